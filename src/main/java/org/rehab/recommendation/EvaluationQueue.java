package org.rehab.recommendation;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The patients waiting to be evaluated because their record changed, in table {@code rehab_evaluation_queue}: one
 * row per patient however many writes arrive, served in the order the patients joined (a patient whose record keeps
 * changing keeps their place). A change is queued in the transaction that makes it, after the patient's
 * {@link RecordRevisions revision} row is written, so that concurrent writers for one patient are already in line
 * there. A worker claims rows for a while with {@code FOR UPDATE SKIP LOCKED} (instances sharing the database do not
 * take the same ones; a claim whose worker died runs out); a row leaves the queue only if the record did not change
 * again while it was being evaluated, and a failed evaluation is tried again after a delay that doubles each time.
 */
@Component
class EvaluationQueue {

    /** A claimed patient, with the version of their queue row (the changes counted so far). */
    record Claimed(String tenant, String patientId, long version, int attempts) {}

    /** The longest a failed evaluation waits before it is tried again. */
    private static final Duration LONGEST_RETRY_DELAY = Duration.ofHours(6);

    private final JdbcTemplate jdbc;

    EvaluationQueue(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Queues the patients (again, if a worker holds them: they are evaluated once more after it). */
    void changed(String tenant, Collection<String> patientIds, Instant now) {
        for (String patientId : patientIds.stream().sorted().distinct().toList()) {
            int updated = jdbc.update(
                    "UPDATE rehab_evaluation_queue SET version = version + 1, claimed_until = NULL, attempts = 0"
                            + " WHERE tenant = ? AND patient_id = ?",
                    tenant,
                    patientId);
            if (updated == 0) {
                jdbc.update(
                        "INSERT INTO rehab_evaluation_queue (tenant, patient_id, queued_at, version, attempts)"
                                + " VALUES (?, ?, ?, 0, 0)",
                        tenant,
                        patientId,
                        Timestamp.from(now));
            }
        }
    }

    /**
     * Claims patients until {@code claimUntil}, those waiting longest first, each tenant with waiting patients
     * getting an equal share of the batch (one hospital's initial load does not hold up another's evaluations);
     * call inside a transaction.
     */
    List<Claimed> claim(int limit, Instant now, Instant claimUntil) {
        Timestamp at = Timestamp.from(now);
        List<String> tenants = jdbc.queryForList(
                "SELECT DISTINCT tenant FROM rehab_evaluation_queue WHERE claimed_until IS NULL OR claimed_until < ?",
                String.class,
                at);
        int share = Math.max(1, limit / Math.max(1, tenants.size()));
        List<Claimed> claimed = new ArrayList<>();
        for (String tenant : tenants) {
            claimed.addAll(jdbc.query(
                    "SELECT tenant, patient_id, version, attempts FROM rehab_evaluation_queue"
                            + " WHERE tenant = ? AND (claimed_until IS NULL OR claimed_until < ?)"
                            + " ORDER BY queued_at FETCH FIRST " + share + " ROWS ONLY FOR UPDATE SKIP LOCKED",
                    (row, i) -> new Claimed(row.getString(1), row.getString(2), row.getLong(3), row.getInt(4)),
                    tenant,
                    at));
        }
        for (Claimed patient : claimed) {
            jdbc.update(
                    "UPDATE rehab_evaluation_queue SET claimed_until = ? WHERE tenant = ? AND patient_id = ?",
                    Timestamp.from(claimUntil),
                    patient.tenant(),
                    patient.patientId());
        }
        return claimed;
    }

    /** The patient was evaluated: they leave the queue, unless their record changed since they were claimed. */
    void evaluated(Claimed patient) {
        jdbc.update(
                "DELETE FROM rehab_evaluation_queue WHERE tenant = ? AND patient_id = ? AND version = ?",
                patient.tenant(),
                patient.patientId(),
                patient.version());
    }

    /**
     * The patient's evaluation failed: tried again after 1 minute, then 2, 4… up to 6 hours, unless their record
     * changes first.
     */
    void failed(Claimed patient, Instant now) {
        Duration delay = Duration.ofMinutes(1L << Math.min(patient.attempts(), 20));
        jdbc.update(
                "UPDATE rehab_evaluation_queue SET claimed_until = ?, attempts = attempts + 1"
                        + " WHERE tenant = ? AND patient_id = ? AND version = ?",
                Timestamp.from(now.plus(delay.compareTo(LONGEST_RETRY_DELAY) < 0 ? delay : LONGEST_RETRY_DELAY)),
                patient.tenant(),
                patient.patientId(),
                patient.version());
    }

    long length() {
        Long count = jdbc.queryForObject("SELECT COUNT(*) FROM rehab_evaluation_queue", Long.class);
        return count == null ? 0 : count;
    }

    /** When the patient waiting longest joined the queue. */
    Optional<Instant> oldestChange() {
        Timestamp oldest = jdbc.queryForObject("SELECT MIN(queued_at) FROM rehab_evaluation_queue", Timestamp.class);
        return Optional.ofNullable(oldest).map(Timestamp::toInstant);
    }
}
