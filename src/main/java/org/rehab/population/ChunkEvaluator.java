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
import jakarta.persistence.PersistenceException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.IdType;
import org.rehab.population.PopulationRuns.Outcome;
import org.rehab.population.PopulationRuns.Result;
import org.rehab.recommendation.Evaluation;
import org.rehab.recommendation.PatientEvaluator;
import org.rehab.recommendation.rules.RecommendationType;
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

    /** Patients evaluated between two looks at whether the run was cancelled. */
    private static final int CANCEL_CHECK = 5;

    private final PatientEvaluator evaluator;
    private final PopulationRuns runs;
    private final Clock clock;

    ChunkEvaluator(PatientEvaluator evaluator, PopulationRuns runs, Clock clock) {
        this.evaluator = evaluator;
        this.runs = runs;
        this.clock = clock;
    }

    @Override
    public RunOutcome run(StepExecutionDetails<PopulationParameters, PatientChunk> step, IJobDataSink<VoidModel> sink) {
        PopulationParameters run = step.getParameters();
        List<String> patients = step.getData().patientIds();
        Set<String> recorded = runs.alreadyEvaluated(run.runId(), patients);
        SystemRequestDetails request = SystemRequestDetails.forRequestPartitionId(null);
        request.setTenantId(run.tenant());
        int evaluated = 0;
        for (int i = 0; i < patients.size(); i++) {
            if (i % CANCEL_CHECK == 0 && runs.cancelled(run.runId())) {
                return new RunOutcome(evaluated);
            }
            String patient = patients.get(i);
            if (!recorded.contains(patient)) {
                runs.record(run.runId(), evaluate(request, patient, run.dryRun()));
                evaluated++;
            }
        }
        runs.find(run.runId())
                .filter(found -> found.total() != null && runs.done(run.runId()) >= found.total())
                .ifPresent(done -> runs.end(run.runId(), clock.instant(), false));
        return new RunOutcome(evaluated);
    }

    private Result evaluate(SystemRequestDetails request, String patient, boolean dryRun) {
        try {
            Evaluation evaluation = evaluator.evaluate(request, new IdType("Patient", patient), dryRun);
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
            return new Result(patient, Outcome.EVALUATED, recommendations, noLongerSupported, null);
        } catch (ResourceNotFoundException | ResourceGoneException deleted) {
            return new Result(patient, Outcome.NOT_FOUND, null, null, "The patient was deleted before evaluation");
        } catch (DataAccessException | TransactionException | PersistenceException unavailable) {
            // The database, not the patient: the chunk fails and is evaluated again (batch2, or after a restart).
            throw unavailable;
        } catch (BaseServerResponseException refused) {
            if (refused.getStatusCode() >= 500) {
                throw refused;
            }
            return new Result(patient, Outcome.FAILED, null, null, truncate(refused.getMessage()));
        } catch (RuntimeException | StackOverflowError failure) {
            // Not a message for the caller: it could carry the server's internals. Not logged: it could name the
            // patient.
            return new Result(
                    patient,
                    Outcome.FAILED,
                    null,
                    null,
                    "The evaluation failed inside the server ("
                            + failure.getClass().getSimpleName() + ")");
        }
    }

    private static String truncate(String message) {
        String text = message == null ? "The evaluation was refused" : message;
        return text.length() <= 500 ? text : text.substring(0, 497) + "...";
    }
}
