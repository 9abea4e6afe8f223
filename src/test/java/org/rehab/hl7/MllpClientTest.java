package org.rehab.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.MllpTestPeer;
import org.rehab.testsupport.MllpTestPeer.Answer;

/** The MLLP client against a real listener on loopback. */
class MllpClientTest {

    private static final String MESSAGE =
            "MSH|^~\\&|REHAB|north|ENGINE|NORTH|20261122093015||OMG^O19^OMG_O19|RH1|P|2.5.1\rORC|NW|sr-1\r";

    private final MllpClient client = new MllpClient(Duration.ofSeconds(2), Duration.ofMillis(500));
    private MllpTestPeer peer;

    @BeforeEach
    void startPeer() throws IOException {
        peer = MllpTestPeer.start();
    }

    @AfterEach
    void stopPeer() throws IOException {
        peer.close();
    }

    @Test
    void acceptedMessageIsAcknowledgedWithItsControlId() throws IOException {
        Acknowledgement ack = client.send("127.0.0.1", peer.port(), MESSAGE);

        assertThat(ack.accepted()).isTrue();
        assertThat(ack.controlId()).isEqualTo("RH1");
        assertThat(peer.received()).singleElement().satisfies(r -> {
            assertThat(r.controlId()).isEqualTo("RH1");
            assertThat(r.orderControl()).isEqualTo("NW");
        });
    }

    @Test
    void contentErrorIsReportedWithItsText() throws IOException {
        peer.script(Answer.ack("AE"));

        Acknowledgement ack = client.send("127.0.0.1", peer.port(), MESSAGE);

        assertThat(ack.accepted()).isFalse();
        assertThat(ack.contentError()).isTrue();
        assertThat(ack.text()).isEqualTo("Unknown procedure code");
    }

    @Test
    void slowPeerTimesOut() {
        peer.script(Answer.slow("AA", Duration.ofSeconds(2)));

        assertThatThrownBy(() -> client.send("127.0.0.1", peer.port(), MESSAGE))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("No acknowledgement within 500 ms");
    }

    @Test
    void droppedConnectionIsAFailure() {
        peer.script(Answer.dropConnection());

        assertThatThrownBy(() -> client.send("127.0.0.1", peer.port(), MESSAGE))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void peerThatIsDownRefusesTheConnection() throws IOException {
        peer.goDown();

        assertThatThrownBy(() -> client.send("127.0.0.1", peer.port(), MESSAGE)).isInstanceOf(IOException.class);
    }
}
