package org.rehab.recommendation;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The patients waiting to be evaluated because their record changed, in table {@code rehab_evaluation_queue}: one
 * row per patient however many writes arrive. A change is queued in the transaction that makes it, after the
 * patient's {@link RecordRevisions revision} row is written, so that concurrent writers for one patient are already
 * in line there. A worker claims rows for a while with {@code FOR UPDATE SKIP LOCKED} (instances sharing the
 * database do not take the same ones; a claim whose worker died runs out), and a row leaves the queue only if the
 * record did not change again while it was being evaluated.
 */
@Component
class EvaluationQueue {

    /** A claimed patient, with the time of the change that queued them. */
    record Claimed(String tenant, String patientId, Timestamp changedAt) {}

    private final JdbcTemplate jdbc;

    EvaluationQueue(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Queues the patients (again, if a worker holds them: they are evaluated once more after it). */
    void changed(String tenant, Collection<String> patientIds, Instant now) {
        Timestamp changedAt = Timestamp.from(now);
        for (String patientId : patientIds.stream().sorted().distinct().toList()) {
            int updated = jdbc.update(
                    "UPDATE rehab_evaluation_queue SET changed_at = ?, claimed_until = NULL"
                            + " WHERE tenant = ? AND patient_id = ?",
                    changedAt,
                    tenant,
                    patientId);
            if (updated == 0) {
                jdbc.update(
                        "INSERT INTO rehab_evaluation_queue (tenant, patient_id, changed_at) VALUES (?, ?, ?)",
                        tenant,
                        patientId,
                        changedAt);
            }
        }
    }

    /** Claims the patients waiting longest until {@code claimUntil}; call inside a transaction. */
    List<Claimed> claim(int limit, Instant now, Instant claimUntil) {
        List<Claimed> claimed = jdbc.query(
                "SELECT tenant, patient_id, changed_at FROM rehab_evaluation_queue"
                        + " WHERE claimed_until IS NULL OR claimed_until < ?"
                        + " ORDER BY changed_at FETCH FIRST " + limit + " ROWS ONLY FOR UPDATE SKIP LOCKED",
                (row, i) -> new Claimed(row.getString(1), row.getString(2), row.getTimestamp(3)),
                Timestamp.from(now));
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
                "DELETE FROM rehab_evaluation_queue WHERE tenant = ? AND patient_id = ? AND changed_at = ?",
                patient.tenant(),
                patient.patientId(),
                patient.changedAt());
    }

    long length() {
        Long count = jdbc.queryForObject("SELECT COUNT(*) FROM rehab_evaluation_queue", Long.class);
        return count == null ? 0 : count;
    }

    /** When the change waiting longest was made. */
    Optional<Instant> oldestChange() {
        Timestamp oldest = jdbc.queryForObject("SELECT MIN(changed_at) FROM rehab_evaluation_queue", Timestamp.class);
        return Optional.ofNullable(oldest).map(Timestamp::toInstant);
    }
}
