package org.rehab.adt;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The table {@code rehab_adt_message}: the acknowledgement each received control id got. */
@Component
class AdtInbox {

    private final JdbcTemplate jdbc;

    AdtInbox(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The acknowledgement a message got, and its code. */
    record Answer(String ackCode, String ack) {}

    Optional<Answer> answered(String tenant, String controlId) {
        return jdbc
                .query(
                        "SELECT ack_code, ack FROM rehab_adt_message WHERE tenant = ? AND control_id = ?",
                        (row, number) -> new Answer(row.getString("ack_code"), row.getString("ack")),
                        tenant,
                        controlId)
                .stream()
                .findFirst();
    }

    /** Joins the caller's transaction; a control id answered already is a {@code DuplicateKeyException}. */
    void record(String tenant, String controlId, String trigger, String ackCode, String ack, Instant now) {
        jdbc.update(
                "INSERT INTO rehab_adt_message (tenant, control_id, trigger_event, ack_code, ack, received_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?)",
                tenant,
                controlId,
                trigger,
                ackCode,
                ack.length() > 4000 ? ack.substring(0, 4000) : ack,
                Timestamp.from(now));
    }
}
