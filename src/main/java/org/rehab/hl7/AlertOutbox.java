package org.rehab.hl7;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * The table {@code rehab_alert}. Recording joins the caller's transaction (the one writing the ServiceRequest);
 * claiming locks one due alert with {@code FOR UPDATE SKIP LOCKED}, so that instances sharing the database never
 * send the same alert at once, and skips an alert while an earlier one for the same patient and endpoint is not
 * delivered, so that they arrive in order.
 */
@Component
class AlertOutbox {

    private static final String COLUMNS = "id, control_id, tenant, patient_id, service_request_id, endpoint_id,"
            + " order_control, message, status, attempts, next_attempt_at, last_ack_code, last_error, created_at,"
            + " delivered_at, state_version";

    private static final RowMapper<Alert> ALERT = AlertOutbox::alert;

    private final JdbcTemplate jdbc;

    AlertOutbox(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void record(
            String controlId,
            String tenant,
            String patientId,
            String serviceRequestId,
            String endpointId,
            OrderControl control,
            String message,
            Instant now) {
        jdbc.update(
                "INSERT INTO rehab_alert (control_id, tenant, patient_id, service_request_id, endpoint_id,"
                        + " order_control, message, status, attempts, next_attempt_at, created_at, state_version,"
                        + " synced_version, sync_pending) VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, ?, 1, 0, TRUE)",
                controlId,
                tenant,
                patientId,
                serviceRequestId,
                endpointId,
                control.code(),
                message,
                Timestamp.from(now),
                Timestamp.from(now));
    }

    /** The next due alert, locked until the caller's transaction ends; call inside a transaction. */
    Optional<Alert> claimNextDue(Instant now) {
        List<Alert> due = jdbc.query(
                "SELECT " + COLUMNS + " FROM rehab_alert a WHERE a.status = 'PENDING' AND a.next_attempt_at <= ?"
                        + " AND NOT EXISTS (SELECT 1 FROM rehab_alert b WHERE b.tenant = a.tenant"
                        + " AND b.patient_id = a.patient_id AND b.endpoint_id = a.endpoint_id AND b.id < a.id"
                        + " AND b.status <> 'DELIVERED')"
                        + " ORDER BY a.id FETCH FIRST 1 ROWS ONLY FOR UPDATE SKIP LOCKED",
                ALERT,
                Timestamp.from(now));
        return due.stream().findFirst();
    }

    void delivered(Alert alert, Acknowledgement ack, Instant now) {
        jdbc.update(
                "UPDATE rehab_alert SET status = 'DELIVERED', attempts = ?, last_ack_code = ?, last_error = NULL,"
                        + " delivered_at = ?, state_version = state_version + 1, sync_pending = TRUE WHERE id = ?",
                alert.attempts() + 1,
                ack.code(),
                Timestamp.from(now),
                alert.id());
    }

    void retryLater(Alert alert, String ackCode, String error, Instant nextAttempt) {
        jdbc.update(
                "UPDATE rehab_alert SET attempts = ?, last_ack_code = ?, last_error = ?, next_attempt_at = ?,"
                        + " state_version = state_version + 1, sync_pending = TRUE WHERE id = ?",
                alert.attempts() + 1,
                ackCode,
                truncate(error),
                Timestamp.from(nextAttempt),
                alert.id());
    }

    void park(Alert alert, String ackCode, String error) {
        jdbc.update(
                "UPDATE rehab_alert SET status = 'PARKED', attempts = ?, last_ack_code = ?, last_error = ?,"
                        + " state_version = state_version + 1, sync_pending = TRUE WHERE id = ?",
                alert.attempts() + 1,
                ackCode,
                truncate(error),
                alert.id());
    }

    /** Holds back every other due alert of an endpoint that does not answer, so that it is not hammered. */
    void holdBackEndpoint(String tenant, String endpointId, Instant until) {
        jdbc.update(
                "UPDATE rehab_alert SET next_attempt_at = ? WHERE tenant = ? AND endpoint_id = ?"
                        + " AND status = 'PENDING' AND next_attempt_at < ?",
                Timestamp.from(until),
                tenant,
                endpointId,
                Timestamp.from(until));
    }

    /** Puts an alert back in the queue, due now; false if there is no such undelivered alert. */
    boolean resend(String tenant, String controlId, Instant now) {
        return jdbc.update(
                        "UPDATE rehab_alert SET status = 'PENDING', next_attempt_at = ?,"
                                + " state_version = state_version + 1, sync_pending = TRUE"
                                + " WHERE tenant = ? AND control_id = ? AND status <> 'DELIVERED'",
                        Timestamp.from(now),
                        tenant,
                        controlId)
                == 1;
    }

    Optional<Alert> byControlId(String tenant, String controlId) {
        return jdbc
                .query(
                        "SELECT " + COLUMNS + " FROM rehab_alert WHERE tenant = ? AND control_id = ?",
                        ALERT,
                        tenant,
                        controlId)
                .stream()
                .findFirst();
    }

    /**
     * Claims, for a while, alerts whose Communication is behind their state; call inside a transaction. Another
     * instance skips them until the claim expires.
     */
    List<Alert> claimUnsynced(int limit, Instant now, Instant claimUntil) {
        List<Alert> alerts = jdbc.query(
                "SELECT " + COLUMNS + " FROM rehab_alert WHERE sync_pending"
                        + " AND (sync_claimed_until IS NULL OR sync_claimed_until < ?)"
                        + " ORDER BY id FETCH FIRST " + limit + " ROWS ONLY FOR UPDATE SKIP LOCKED",
                ALERT,
                Timestamp.from(now));
        for (Alert alert : alerts) {
            jdbc.update(
                    "UPDATE rehab_alert SET sync_claimed_until = ? WHERE id = ?",
                    Timestamp.from(claimUntil),
                    alert.id());
        }
        return alerts;
    }

    /** Notes that the Communication shows this state; a state that changed meanwhile stays to be synced. */
    void synced(Alert alert) {
        jdbc.update(
                "UPDATE rehab_alert SET synced_version = ?, sync_pending = (state_version <> ?),"
                        + " sync_claimed_until = NULL WHERE id = ?",
                alert.stateVersion(),
                alert.stateVersion(),
                alert.id());
    }

    void releaseSyncClaim(Alert alert) {
        jdbc.update("UPDATE rehab_alert SET sync_claimed_until = NULL WHERE id = ?", alert.id());
    }

    private static String truncate(String error) {
        return error == null || error.length() <= 1000 ? error : error.substring(0, 1000);
    }

    private static Alert alert(ResultSet row, int number) throws SQLException {
        return new Alert(
                row.getLong("id"),
                row.getString("control_id"),
                row.getString("tenant"),
                row.getString("patient_id"),
                row.getString("service_request_id"),
                row.getString("endpoint_id"),
                row.getString("order_control"),
                row.getString("message"),
                Alert.Status.valueOf(row.getString("status")),
                row.getInt("attempts"),
                instant(row.getTimestamp("next_attempt_at")),
                row.getString("last_ack_code"),
                row.getString("last_error"),
                instant(row.getTimestamp("created_at")),
                instant(row.getTimestamp("delivered_at")),
                row.getInt("state_version"));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
