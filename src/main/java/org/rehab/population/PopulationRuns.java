package org.rehab.population;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The population evaluations of each tenant (tables {@code rehab_population_run}, {@code _lock} and {@code _result}):
 * which one runs (one per tenant at a time, across instances), how many patients it found, and what each patient's
 * evaluation gave.
 */
@Component
class PopulationRuns {

    /** The runs of a tenant kept with their results; older ones are deleted when a new one starts. */
    private static final int KEPT_PER_TENANT = 5;

    record Run(
            String id,
            String jobInstance,
            String tenant,
            String population,
            boolean dryRun,
            Instant startedAt,
            Integer total,
            Instant endedAt,
            boolean cancelled,
            String failure,
            String candidate,
            String candidateVersion) {

        boolean ended() {
            return endedAt != null;
        }

        boolean failed() {
            return failure != null;
        }

        /** Whether the run tries a candidate rule set against the rules in force (writing nothing). */
        boolean shadow() {
            return candidate != null;
        }
    }

    /**
     * One patient's outcome: {@code recommendations} as {@code key=status} pairs, comma-separated, or in a shadow
     * run the keys the rules in force recommend, and {@code candidate} those the candidate would.
     */
    record Result(
            String patientId,
            Outcome outcome,
            String recommendations,
            String noLongerSupported,
            String candidate,
            String failure) {}

    enum Outcome {
        EVALUATED,
        FAILED,
        NOT_FOUND
    }

    private static final String INSERT_RESULT = "INSERT INTO rehab_population_result"
            + " (run_id, patient_id, outcome, recommendations, no_longer_supported, candidate, failure)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?)";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final NamedParameterJdbcTemplate named;

    PopulationRuns(JdbcTemplate jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactions);
        this.named = new NamedParameterJdbcTemplate(jdbc);
    }

    /** The run holding the tenant's lock, if any. */
    Optional<Run> locked(String tenant) {
        return jdbc
                .query(
                        "SELECT r.* FROM rehab_population_run r JOIN rehab_population_lock l ON l.run_id = r.id"
                                + " WHERE l.tenant = ?",
                        PopulationRuns::run,
                        tenant)
                .stream()
                .findFirst();
    }

    /**
     * Records a new run and takes its tenant's lock; false, recording nothing, if another run holds it. Not to be
     * called in a transaction: the lock is the database's primary key, and a refused insert would spoil one.
     */
    boolean begin(Run run) {
        jdbc.update(
                "INSERT INTO rehab_population_run"
                        + " (id, tenant, population, dry_run, started_at, cancelled, candidate, candidate_version)"
                        + " VALUES (?, ?, ?, ?, ?, FALSE, ?, ?)",
                run.id(),
                run.tenant(),
                run.population(),
                run.dryRun(),
                Timestamp.from(run.startedAt()),
                run.candidate(),
                run.candidateVersion());
        try {
            jdbc.update("INSERT INTO rehab_population_lock (tenant, run_id) VALUES (?, ?)", run.tenant(), run.id());
        } catch (DuplicateKeyException taken) {
            jdbc.update("DELETE FROM rehab_population_run WHERE id = ?", run.id());
            return false;
        }
        forgetOlderRuns(run.tenant());
        return true;
    }

    void jobStarted(String runId, String jobInstance) {
        jdbc.update("UPDATE rehab_population_run SET job_instance = ? WHERE id = ?", jobInstance, runId);
    }

    /** Records how many patients the run found, the first time they are listed. */
    void listed(String runId, int total) {
        jdbc.update("UPDATE rehab_population_run SET total = ? WHERE id = ? AND total IS NULL", total, runId);
    }

    /** The runs not ended yet, of every tenant. */
    List<Run> unfinished() {
        return jdbc.query("SELECT * FROM rehab_population_run WHERE ended_at IS NULL", PopulationRuns::run);
    }

    Optional<Run> find(String runId) {
        return jdbc.query("SELECT * FROM rehab_population_run WHERE id = ?", PopulationRuns::run, runId).stream()
                .findFirst();
    }

    boolean cancelled(String runId) {
        return find(runId).map(Run::cancelled).orElse(true);
    }

    /** Of these patients, those that already have a result in the run (evaluated before a restart). */
    Set<String> alreadyEvaluated(String runId, Collection<String> patientIds) {
        if (patientIds.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(named.queryForList(
                "SELECT patient_id FROM rehab_population_result WHERE run_id = :run AND patient_id IN (:ids)",
                new MapSqlParameterSource("run", runId).addValue("ids", patientIds),
                String.class));
    }

    /**
     * Records patients' outcomes in one batch, each once: a second result for the same patient (a chunk evaluated
     * again) is ignored.
     */
    void record(String runId, List<Result> results) {
        if (results.isEmpty()) {
            return;
        }
        try {
            transactions.executeWithoutResult(
                    status -> jdbc.batchUpdate(INSERT_RESULT, results, results.size(), (statement, result) -> {
                        statement.setString(1, runId);
                        statement.setString(2, result.patientId());
                        statement.setString(3, result.outcome().name());
                        statement.setString(4, result.recommendations());
                        statement.setString(5, result.noLongerSupported());
                        statement.setString(6, result.candidate());
                        statement.setString(7, result.failure());
                    }));
        } catch (DuplicateKeyException someAlreadyRecorded) {
            results.forEach(result -> record(runId, result));
        }
    }

    /** Records a patient's outcome, once: a second result for the same patient is ignored. */
    void record(String runId, Result result) {
        try {
            jdbc.update(
                    INSERT_RESULT,
                    runId,
                    result.patientId(),
                    result.outcome().name(),
                    result.recommendations(),
                    result.noLongerSupported(),
                    result.candidate(),
                    result.failure());
        } catch (DuplicateKeyException alreadyRecorded) {
            // the same patient in a chunk that ran again: the first outcome stands
        }
    }

    long done(String runId) {
        Long count =
                jdbc.queryForObject("SELECT COUNT(*) FROM rehab_population_result WHERE run_id = ?", Long.class, runId);
        return count == null ? 0 : count;
    }

    List<Result> results(String runId) {
        return jdbc.query(
                "SELECT patient_id, outcome, recommendations, no_longer_supported, candidate, failure"
                        + " FROM rehab_population_result WHERE run_id = ? ORDER BY patient_id",
                (row, i) -> new Result(
                        row.getString(1),
                        Outcome.valueOf(row.getString(2)),
                        row.getString(3),
                        row.getString(4),
                        row.getString(5),
                        row.getString(6)),
                runId);
    }

    enum Ending {
        DONE,
        CANCELLED,
        FAILED
    }

    /**
     * Ends the run, once, and releases its tenant's lock; false if it had already ended.
     *
     * @param failure why it failed, for {@link Ending#FAILED}
     */
    boolean end(String runId, Instant now, Ending ending, String failure) {
        int ended = jdbc.update(
                "UPDATE rehab_population_run SET ended_at = ?, cancelled = ?, failure = ?"
                        + " WHERE id = ? AND ended_at IS NULL",
                Timestamp.from(now),
                ending == Ending.CANCELLED,
                ending == Ending.FAILED ? failure : null,
                runId);
        jdbc.update("DELETE FROM rehab_population_lock WHERE run_id = ?", runId);
        return ended == 1;
    }

    private void forgetOlderRuns(String tenant) {
        List<String> older = jdbc.queryForList(
                "SELECT id FROM rehab_population_run WHERE tenant = ? AND ended_at IS NOT NULL"
                        + " ORDER BY started_at DESC OFFSET " + (KEPT_PER_TENANT - 1) + " ROWS",
                String.class,
                tenant);
        for (String id : older) {
            jdbc.update("DELETE FROM rehab_population_result WHERE run_id = ?", id);
            jdbc.update("DELETE FROM rehab_population_run WHERE id = ?", id);
        }
    }

    private static Run run(ResultSet row, int i) throws SQLException {
        Timestamp ended = row.getTimestamp("ended_at");
        Number total = (Number) row.getObject("total");
        return new Run(
                row.getString("id"),
                row.getString("job_instance"),
                row.getString("tenant"),
                row.getString("population"),
                row.getBoolean("dry_run"),
                row.getTimestamp("started_at").toInstant(),
                total == null ? null : total.intValue(),
                ended == null ? null : ended.toInstant(),
                row.getBoolean("cancelled"),
                row.getString("failure"),
                row.getString("candidate"),
                row.getString("candidate_version"));
    }
}
