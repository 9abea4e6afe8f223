package org.rehab.adt;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The table {@code rehab_adt_message}: the acknowledgement each received control id of each sender got. */
@Component
class AdtInbox {

    private final JdbcTemplate jdbc;

    AdtInbox(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The acknowledgement a message got, and its code. */
    record Answer(String ackCode, String ack) {}

    Optional<Answer> answered(String tenant, String sender, String controlId) {
        return jdbc
                .query(
                        "SELECT ack_code, ack FROM rehab_adt_message WHERE tenant = ? AND sender = ? AND control_id = ?",
                        (row, number) -> new Answer(row.getString("ack_code"), row.getString("ack")),
                        tenant,
                        bounded(sender),
                        controlId)
                .stream()
                .findFirst();
    }

    /**
     * Joins the caller's transaction; a control id this sender had answered already is a
     * {@code DuplicateKeyException}.
     */
    void record(
            String tenant, String sender, String controlId, String trigger, String ackCode, String ack, Instant now) {
        jdbc.update(
                "INSERT INTO rehab_adt_message (tenant, sender, control_id, trigger_event, ack_code, ack, received_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                tenant,
                bounded(sender),
                controlId,
                trigger != null && trigger.length() <= 8 ? trigger : null,
                ackCode,
                ack,
                Timestamp.from(now));
    }

    /** Forgets the answers given before that instant; answers how many. */
    int forgetBefore(Instant instant) {
        return jdbc.update("DELETE FROM rehab_adt_message WHERE received_at < ?", Timestamp.from(instant));
    }

    /** MSH-3 and MSH-4 as kept: their first 200 characters. */
    private static String bounded(String sender) {
        return sender.length() <= 200 ? sender : sender.substring(0, 200);
    }
}
