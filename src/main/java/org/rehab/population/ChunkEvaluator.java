package org.rehab.population;

import ca.uhn.fhir.batch2.api.IJobDataSink;
import ca.uhn.fhir.batch2.api.ILastJobStepWorker;
import ca.uhn.fhir.batch2.api.RunOutcome;
import ca.uhn.fhir.batch2.api.StepExecutionDetails;
import ca.uhn.fhir.batch2.api.VoidModel;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.persistence.PersistenceException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.IdType;
import org.rehab.population.PopulationRuns.Ending;
import org.rehab.population.PopulationRuns.Outcome;
import org.rehab.population.PopulationRuns.Result;
import org.rehab.recommendation.Evaluation;
import org.rehab.recommendation.PatientEvaluator;
import org.rehab.recommendation.RuleLibrary;
import org.rehab.recommendation.rules.RecommendationType;
import org.rehab.recommendation.rules.RuleSet;
import org.rehab.tenant.RequestTenants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * The second step of a population evaluation: evaluates a chunk of patients exactly as {@code $evaluate} evaluates
 * one, and records each patient's outcome. A patient already recorded in the run (a chunk that runs again after an
 * instance stopped in its middle) is not evaluated again; a cancelled run stops between patients. A patient whose
 * evaluation is refused (their data) is recorded as failed, with why; when the database fails instead, the chunk
 * fails, to be evaluated again. The run ends when the last patient is recorded.
 */
class ChunkEvaluator implements ILastJobStepWorker<PopulationParameters, PatientChunk> {

    private static final Logger log = LoggerFactory.getLogger(ChunkEvaluator.class);

    private final PatientEvaluator evaluator;
    private final RuleLibrary rules;
    private final PopulationRuns runs;
    private final Clock clock;
    private final Counter failures;

    ChunkEvaluator(
            PatientEvaluator evaluator, RuleLibrary rules, PopulationRuns runs, Clock clock, MeterRegistry meters) {
        this.evaluator = evaluator;
        this.rules = rules;
        this.runs = runs;
        this.clock = clock;
        this.failures = meters.counter("rehab.evaluations.population.failed");
    }

    @Override
    public RunOutcome run(StepExecutionDetails<PopulationParameters, PatientChunk> step, IJobDataSink<VoidModel> sink) {
        PopulationParameters run = step.getParameters();
        List<String> patients = step.getData().patientIds();
        Set<String> recorded = runs.alreadyEvaluated(run.runId(), patients);
        SystemRequestDetails request = RequestTenants.systemRequestIn(run.tenant());
        RuleSet candidate = run.candidate() == null ? null : rules.candidate(run.candidate());
        if (candidate != null) {
            if (!candidate.version().equals(run.candidateVersion())) {
                runs.end(run.runId(), clock.instant(), Ending.FAILED, "the candidate rules changed while being tried");
                return RunOutcome.SUCCESS;
            }
        }
        List<String> toEvaluate =
                patients.stream().filter(patient -> !recorded.contains(patient)).toList();
        PatientEvaluator.Prefetched prefetched = evaluator.prefetch(request, toEvaluate);
        // Recorded in one batch at the end: a chunk cut short (a restart, the database gone) is evaluated again,
        // and its patients' evaluations then find what was written for them, so nothing is written or sent twice.
        List<Result> results = new ArrayList<>();
        for (String patient : toEvaluate) {
            if (runs.cancelled(run.runId())) { // looked at before each patient: a cancelled run writes no more
                runs.record(run.runId(), results);
                return new RunOutcome(results.size());
            }
            results.add(outcome(() -> evaluate(request, patient, run.dryRun(), candidate, prefetched), patient));
        }
        runs.record(run.runId(), results);
        runs.find(run.runId())
                .filter(found -> found.total() != null && runs.done(run.runId()) >= found.total())
                .ifPresent(done -> runs.end(run.runId(), clock.instant(), Ending.DONE, null));
        return new RunOutcome(results.size());
    }

    /**
     * The patient's evaluation, or in a shadow run what the rules in force and the candidate each recommend.
     */
    private Result evaluate(
            SystemRequestDetails request,
            String patient,
            boolean dryRun,
            RuleSet candidate,
            PatientEvaluator.Prefetched prefetched) {
        IdType patientId = new IdType("Patient", patient);
        if (candidate != null) {
            return new Result(
                    patient,
                    Outcome.EVALUATED,
                    keys(evaluator.wouldRecommend(request, patientId, rules.current(), prefetched)),
                    null,
                    keys(evaluator.wouldRecommend(request, patientId, candidate, prefetched)),
                    null);
        }
        Evaluation evaluation = evaluator.evaluate(request, patientId, dryRun, prefetched);
        String recommendations = evaluation.recommended().stream()
                .map(r -> r.recommendation().type().key() + "=" + r.status().code())
                .collect(Collectors.joining(","));
        String noLongerSupported = evaluation.noLongerSupported().stream()
                .flatMap(stale -> stale.getInstantiatesCanonical().stream())
                .map(CanonicalType::getValue)
                .map(RecommendationType::ofCanonical)
                .flatMap(Optional::stream)
                .map(RecommendationType::key)
                .collect(Collectors.joining(","));
        return new Result(patient, Outcome.EVALUATED, recommendations, noLongerSupported, null, null);
    }

    private static String keys(Set<RecommendationType> types) {
        return types.stream().map(RecommendationType::key).collect(Collectors.joining(","));
    }

    /** The patient's result, or why their evaluation failed; a database failure fails the chunk instead. */
    private Result outcome(Supplier<Result> evaluation, String patient) {
        try {
            return evaluation.get();
        } catch (ResourceNotFoundException | ResourceGoneException deleted) {
            return new Result(
                    patient, Outcome.NOT_FOUND, null, null, null, "The patient was deleted before evaluation");
        } catch (DataAccessException | TransactionException | PersistenceException unavailable) {
            // The database, not the patient: the chunk fails and is evaluated again (batch2, or after a restart).
            throw unavailable;
        } catch (BaseServerResponseException refused) {
            if (refused.getStatusCode() >= 500) {
                throw refused;
            }
            return failed(
                    patient,
                    "The evaluation was refused (HTTP " + refused.getStatusCode() + ", "
                            + refused.getClass().getSimpleName() + ")");
        } catch (RuntimeException | StackOverflowError failure) {
            return failed(
                    patient,
                    "The evaluation failed inside the server ("
                            + failure.getClass().getSimpleName() + ")");
        }
    }

    /**
     * A patient whose evaluation failed, with why in fixed words: an exception's message could quote the record.
     * Logged without naming the patient.
     */
    private Result failed(String patient, String why) {
        failures.increment();
        log.warn("A patient's population evaluation failed: {}", why);
        return new Result(patient, Outcome.FAILED, null, null, null, why);
    }
}
