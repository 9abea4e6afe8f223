package org.rehab.adt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class AdtAckTest {

    private static final Instant NOW = Instant.parse("2026-12-02T09:30:00Z");
    private static final String A04 =
            "MSH|^~\\&|EPIC|NORTH-HOSP|REHAB|north|20261202093000||ADT^A04^ADT_A01|MSG0001|P|2.5.1"
                    + "||||||UNICODE UTF-8\rPID|1||M1^^^NORTH^MR||Whitfield^Eleanor";

    @Test
    void anAcceptedMessageIsAnsweredAaToItsSenderWithItsControlId() {
        String ack = AdtAck.accept(A04, "RA1", NOW, ZoneOffset.UTC);

        String[] msh = ack.split("\r")[0].split("\\|", -1);
        assertThat(msh[2]).isEqualTo("REHAB");
        assertThat(msh[3]).isEqualTo("north");
        assertThat(msh[4]).isEqualTo("EPIC");
        assertThat(msh[5]).isEqualTo("NORTH-HOSP");
        assertThat(msh[8]).isEqualTo("ACK^A04^ACK");
        assertThat(msh[9]).isEqualTo("RA1");
        assertThat(msh[17]).isEqualTo("UNICODE UTF-8");
        assertThat(ack.split("\r")[1]).isEqualTo("MSA|AA|MSG0001");
        assertThat(ack).doesNotContain("Whitfield").doesNotContain("ERR");
    }

    @Test
    void aRefusalSaysWhyInAnErrSegmentWhoseTextCannotBreakIt() {
        String ack = AdtAck.refuse(
                A04, "AE", AdtAck.Error.REQUIRED_FIELD_MISSING, "PID-3 | empty ^ here", "RA2", NOW, ZoneOffset.UTC);

        assertThat(ack.split("\r")[1]).isEqualTo("MSA|AE|MSG0001");
        assertThat(ack.split("\r")[2])
                .isEqualTo("ERR|||101^Required field missing^HL70357|E||||PID-3 \\F\\ empty \\S\\ here");
    }

    @Test
    void whatIsNotAnHl7MessageStillGetsAnAnswerWithoutAControlId() {
        assertThat(AdtAck.controlIdOf("GET / HTTP/1.1")).isEmpty();
        assertThat(AdtAck.refuse(
                        "GET / HTTP/1.1", "AE", AdtAck.Error.DATA_TYPE_ERROR, "no", "RA3", NOW, ZoneOffset.UTC))
                .startsWith("MSH|^~\\&|")
                .contains("\rMSA|AE|\r");
    }

    @Test
    void aHeaderEndedByALineFeedIsCutThereSoNothingAfterItIsEchoed() {
        String received =
                "MSH|^~\\&|EPIC|NORTH|REHAB|north|20261202||ADT^A04|ID1\nPID|1||M1||Whitfield||||||||||||UNICODE";

        assertThat(AdtAck.controlIdOf(received)).isEqualTo("ID1");
        assertThat(AdtAck.accept(received, "RA4", NOW, ZoneOffset.UTC))
                .doesNotContain("Whitfield")
                .doesNotContain("\n");
    }

    @Test
    void hl7TimesKeepTheirPrecisionAndZone() {
        assertThat(Hl7Times.date("19540301").orElseThrow().getValueAsString()).isEqualTo("1954-03-01");
        assertThat(Hl7Times.date("195403").orElseThrow().getValueAsString()).isEqualTo("1954-03");
        assertThat(Hl7Times.date("1954-13-45")).isEmpty();
        assertThat(Hl7Times.date("19541301")).isEmpty();
        assertThat(Hl7Times.date("19540000")).isEmpty();
        assertThat(Hl7Times.dateTime("202613020800", ZoneOffset.UTC)).isEmpty();
        assertThat(Hl7Times.dateTime("202612020800+0100", ZoneOffset.UTC)
                        .orElseThrow()
                        .getValueAsString())
                .isEqualTo("2026-12-02T08:00:00+01:00");
        assertThat(Hl7Times.dateTime("20261202", ZoneOffset.UTC).orElseThrow().getValueAsString())
                .isEqualTo("2026-12-02");
    }
}
