package org.rehab.hl7;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * The tables {@code rehab_alert_request} (what the clinical write records) and {@code rehab_alert} (one message per
 * endpoint). Workers claim rows with a lease: the claim locks them with {@code FOR UPDATE SKIP LOCKED} only long
 * enough to stamp {@code claimed_until}, so no lock is held while a message is sent, and a result is recorded
 * only by the worker whose lease it still is. A row waits while an earlier one of the same patient (and endpoint)
 * is not delivered, so that alerts arrive in order.
 */
@Component
class AlertOutbox {

    private static final String ALERT_COLUMNS = "id, control_id, tenant, patient_id, service_request_id, endpoint_id,"
            + " order_control, message, status, attempts, next_attempt_at, last_ack_code, last_error, created_at,"
            + " delivered_at";
    private static final String REQUEST_COLUMNS = "id, control_id, tenant, patient_id, service_request_id,"
            + " order_control, service_request, attempts, created_at, claimed_until";

    private static final RowMapper<Alert> ALERT = AlertOutbox::alert;
    private static final RowMapper<AlertRequest> REQUEST = AlertOutbox::request;

    private final JdbcTemplate jdbc;

    AlertOutbox(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Joins the caller's transaction: the one writing the ServiceRequest. */
    void recordRequest(
            String controlId,
            String tenant,
            String patientId,
            String serviceRequestId,
            OrderControl control,
            String serviceRequest,
            Instant now) {
        jdbc.update(
                "INSERT INTO rehab_alert_request (control_id, tenant, patient_id, service_request_id, order_control,"
                        + " service_request, status, attempts, created_at) VALUES (?, ?, ?, ?, ?, ?, 'NEW', 0, ?)",
                controlId,
                tenant,
                patientId,
                serviceRequestId,
                control.code(),
                serviceRequest,
                Timestamp.from(now));
    }

    /** Leases up to {@code limit} requests to build, at most one per patient; call inside a transaction. */
    List<AlertRequest> claimRequests(int limit, Instant now, Instant lease) {
        List<AlertRequest> requests = jdbc.query(
                "SELECT " + REQUEST_COLUMNS + " FROM rehab_alert_request r WHERE r.status = 'NEW'"
                        + " AND (r.claimed_until IS NULL OR r.claimed_until < ?)"
                        + " AND NOT EXISTS (SELECT 1 FROM rehab_alert_request e WHERE e.tenant = r.tenant"
                        + " AND e.patient_id = r.patient_id AND e.id < r.id)"
                        + " ORDER BY r.id FETCH FIRST " + limit + " ROWS ONLY FOR UPDATE SKIP LOCKED",
                REQUEST,
                Timestamp.from(now));
        jdbc.batchUpdate(
                "UPDATE rehab_alert_request SET claimed_until = ? WHERE id = ?",
                requests.stream()
                        .map(request -> new Object[] {Timestamp.from(lease), request.id()})
                        .toList());
        return requests.stream().map(request -> request.leasedUntil(lease)).toList();
    }

    /** Leases up to {@code limit} due alerts, at most one per patient and endpoint; call inside a transaction. */
    List<Alert> claimDue(int limit, Instant now, Instant lease) {
        List<Alert> due = jdbc.query(
                "SELECT " + ALERT_COLUMNS + " FROM rehab_alert a WHERE a.status = 'PENDING' AND a.next_attempt_at <= ?"
                        + " AND (a.claimed_until IS NULL OR a.claimed_until < ?)"
                        + " AND NOT EXISTS (SELECT 1 FROM rehab_alert b WHERE b.tenant = a.tenant"
                        + " AND b.patient_id = a.patient_id AND b.endpoint_id = a.endpoint_id AND b.id < a.id"
                        + " AND b.status <> 'DELIVERED')"
                        + " ORDER BY a.id FETCH FIRST " + limit + " ROWS ONLY FOR UPDATE SKIP LOCKED",
                ALERT,
                Timestamp.from(now),
                Timestamp.from(now));
        jdbc.batchUpdate(
                "UPDATE rehab_alert SET claimed_until = ? WHERE id = ?",
                due.stream()
                        .map(alert -> new Object[] {Timestamp.from(lease), alert.id()})
                        .toList());
        return due;
    }

    /** The endpoints to which an alert of this patient is still undelivered: a new one must wait behind it. */
    Set<String> busyEndpoints(String tenant, String patientId) {
        return new HashSet<>(jdbc.queryForList(
                "SELECT DISTINCT endpoint_id FROM rehab_alert WHERE tenant = ? AND patient_id = ?"
                        + " AND status <> 'DELIVERED'",
                String.class,
                tenant,
                patientId));
    }

    /** Ends a built request; false if the lease was lost (another worker has it now). */
    boolean finishRequest(AlertRequest request) {
        return jdbc.update(
                        "DELETE FROM rehab_alert_request WHERE id = ? AND claimed_until = ?",
                        request.id(),
                        Timestamp.from(request.claimedUntil()))
                == 1;
    }

    /** Parks a request that could not be built; false if the lease was lost. */
    boolean parkRequest(AlertRequest request, Alert parked) {
        return jdbc.update(
                        "UPDATE rehab_alert_request SET status = 'PARKED', attempts = ?, last_error = ?,"
                                + " claimed_until = NULL WHERE id = ? AND claimed_until = ?",
                        parked.attempts(),
                        parked.lastError(),
                        request.id(),
                        Timestamp.from(request.claimedUntil()))
                == 1;
    }

    void insert(Alert alert) {
        jdbc.update(
                "INSERT INTO rehab_alert (control_id, tenant, patient_id, service_request_id, endpoint_id,"
                        + " order_control, message, status, attempts, next_attempt_at, last_ack_code, last_error,"
                        + " created_at, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                alert.controlId(),
                alert.tenant(),
                alert.patientId(),
                alert.serviceRequestId(),
                alert.endpointId(),
                alert.orderControl(),
                alert.message(),
                alert.status().name(),
                alert.attempts(),
                Timestamp.from(alert.nextAttemptAt()),
                alert.lastAckCode(),
                alert.lastError(),
                Timestamp.from(alert.createdAt()),
                timestamp(alert.deliveredAt()));
    }

    /** Records a leased alert's new state and ends the lease; false if the lease was lost. */
    boolean update(Alert alert, Instant lease) {
        return jdbc.update(
                        "UPDATE rehab_alert SET status = ?, attempts = ?, next_attempt_at = ?, last_ack_code = ?,"
                                + " last_error = ?, delivered_at = ?, claimed_until = NULL"
                                + " WHERE id = ? AND claimed_until = ?",
                        alert.status().name(),
                        alert.attempts(),
                        Timestamp.from(alert.nextAttemptAt()),
                        alert.lastAckCode(),
                        alert.lastError(),
                        timestamp(alert.deliveredAt()),
                        alert.id(),
                        Timestamp.from(lease))
                == 1;
    }

    /**
     * Holds back the other due alerts of an endpoint that does not answer, so that it is not hammered; skips those
     * another worker holds (leased or locked), which that worker schedules itself.
     */
    void holdBackEndpoint(String tenant, String endpointId, Instant until, Instant now) {
        List<Long> ids = jdbc.queryForList(
                "SELECT id FROM rehab_alert WHERE tenant = ? AND endpoint_id = ? AND status = 'PENDING'"
                        + " AND next_attempt_at < ? AND (claimed_until IS NULL OR claimed_until < ?)"
                        + " FOR UPDATE SKIP LOCKED",
                Long.class,
                tenant,
                endpointId,
                Timestamp.from(until),
                Timestamp.from(now));
        jdbc.batchUpdate(
                "UPDATE rehab_alert SET next_attempt_at = ? WHERE id = ?",
                ids.stream().map(id -> new Object[] {Timestamp.from(until), id}).toList());
    }

    /** Ends leases whose results could not be recorded: the alerts are due again at once. */
    void release(List<Alert> alerts, Instant lease) {
        jdbc.batchUpdate(
                "UPDATE rehab_alert SET claimed_until = NULL WHERE id = ? AND claimed_until = ?",
                alerts.stream()
                        .map(alert -> new Object[] {alert.id(), Timestamp.from(lease)})
                        .toList());
    }

    void releaseRequests(List<AlertRequest> requests) {
        jdbc.batchUpdate(
                "UPDATE rehab_alert_request SET claimed_until = NULL WHERE id = ? AND claimed_until = ?",
                requests.stream()
                        .map(request -> new Object[] {request.id(), Timestamp.from(request.claimedUntil())})
                        .toList());
    }

    /**
     * Puts an undelivered alert (or a parked request) back in the queue, due now, unless a worker is sending it
     * at this moment; its state afterwards, or empty if nothing was put back (no such alert, delivered, or being
     * sent). In the caller's transaction, which
     * holds the alert's row until it commits.
     */
    Optional<Alert> resend(String tenant, String controlId, Instant now) {
        // Taken before the state is read and its Communication written: a worker recording this alert at the same
        // moment then writes its Communication before or after ours, never interleaved with a stale read.
        for (String table : List.of("rehab_alert", "rehab_alert_request")) {
            jdbc.queryForList(
                    "SELECT control_id FROM " + table + " WHERE tenant = ? AND control_id = ? FOR UPDATE",
                    String.class,
                    tenant,
                    controlId);
        }
        int alerts = jdbc.update(
                "UPDATE rehab_alert SET status = 'PENDING', next_attempt_at = ? WHERE tenant = ? AND control_id = ?"
                        + " AND status <> 'DELIVERED' AND (claimed_until IS NULL OR claimed_until < ?)",
                Timestamp.from(now),
                tenant,
                controlId,
                Timestamp.from(now));
        int requests = jdbc.update(
                "UPDATE rehab_alert_request SET status = 'NEW' WHERE tenant = ? AND control_id = ? AND status = 'PARKED'",
                tenant,
                controlId);
        return alerts + requests > 0 ? byControlId(tenant, controlId) : Optional.empty();
    }

    /** The alert with this control id, or the request that has not been built into it yet. */
    Optional<Alert> byControlId(String tenant, String controlId) {
        Optional<Alert> alert = jdbc
                .query(
                        "SELECT " + ALERT_COLUMNS + " FROM rehab_alert WHERE tenant = ? AND control_id = ?",
                        ALERT,
                        tenant,
                        controlId)
                .stream()
                .findFirst();
        if (alert.isPresent()) {
            return alert;
        }
        return jdbc
                .query(
                        "SELECT " + REQUEST_COLUMNS + ", status, last_error FROM rehab_alert_request"
                                + " WHERE tenant = ? AND control_id = ?",
                        (row, number) -> "PARKED".equals(row.getString("status"))
                                ? request(row, number).parked(row.getString("last_error"))
                                : request(row, number).queued(),
                        tenant,
                        controlId)
                .stream()
                .findFirst();
    }

    /** The patient's requests and alerts become another patient's, keeping their order (in the caller's transaction). */
    void movePatient(String tenant, String from, String to) {
        for (String table : List.of("rehab_alert_request", "rehab_alert")) {
            jdbc.update(
                    "UPDATE " + table + " SET patient_id = ? WHERE tenant = ? AND patient_id = ?", to, tenant, from);
        }
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
                instant(row.getTimestamp("delivered_at")));
    }

    private static AlertRequest request(ResultSet row, int number) throws SQLException {
        return new AlertRequest(
                row.getLong("id"),
                row.getString("control_id"),
                row.getString("tenant"),
                row.getString("patient_id"),
                row.getString("service_request_id"),
                row.getString("order_control"),
                row.getString("service_request"),
                row.getInt("attempts"),
                instant(row.getTimestamp("created_at")),
                instant(row.getTimestamp("claimed_until")));
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
