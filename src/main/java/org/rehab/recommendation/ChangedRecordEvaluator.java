package org.rehab.recommendation;

import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.IdType;
import org.rehab.tenant.RequestTenants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Evaluates, in the background, the patients whose record changed in a tenant that evaluates on change
 * ({@code rehab.recommendation.evaluate-on-change}, or per tenant): never inside the writer's request, once per
 * patient however many writes queued them, with the recommendations and HL7 alerts an evaluation always makes.
 * The queue's length and how long its oldest patient has waited are the metrics
 * {@code rehab.evaluation.queue.length} and {@code rehab.evaluation.queue.lag}; evaluations done and failed are
 * counted in {@code rehab.evaluations.on-change} and {@code rehab.evaluations.on-change.failed}.
 */
@Component
class ChangedRecordEvaluator implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ChangedRecordEvaluator.class);
    private static final int BATCH = 20;
    /** How long a batch of claimed patients is held; a worker that dies lets them go when this runs out. */
    private static final Duration CLAIM = Duration.ofMinutes(5);

    private static final Duration IDLE = Duration.ofMillis(250);

    private final EvaluationQueue queue;
    private final Evaluation evaluator;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final Counter evaluated;
    private final Counter failed;
    private ScheduledExecutorService worker;

    /** Evaluates one patient, writing what an evaluation writes. */
    interface Evaluation {
        void evaluate(SystemRequestDetails request, IdType patient);
    }

    @Autowired
    ChangedRecordEvaluator(
            EvaluationQueue queue,
            PatientEvaluator evaluator,
            PlatformTransactionManager transactions,
            Clock clock,
            MeterRegistry meters) {
        this(queue, (request, patient) -> evaluator.evaluate(request, patient, false), transactions, clock, meters);
    }

    ChangedRecordEvaluator(
            EvaluationQueue queue,
            Evaluation evaluator,
            PlatformTransactionManager transactions,
            Clock clock,
            MeterRegistry meters) {
        this.queue = queue;
        this.evaluator = evaluator;
        this.transaction = new TransactionTemplate(transactions);
        this.clock = clock;
        this.evaluated = meters.counter("rehab.evaluations.on-change");
        this.failed = meters.counter("rehab.evaluations.on-change.failed");
        Gauge.builder("rehab.evaluation.queue.length", queue, EvaluationQueue::length)
                .description("Patients waiting to be evaluated after a change to their record")
                .register(meters);
        Gauge.builder("rehab.evaluation.queue.lag", this, ChangedRecordEvaluator::lagSeconds)
                .description("Age of the oldest change waiting to be evaluated")
                .baseUnit("seconds")
                .register(meters);
    }

    @Override
    public synchronized void start() {
        worker = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "evaluation-on-change");
            thread.setDaemon(true);
            return thread;
        });
        worker.scheduleWithFixedDelay(this::evaluateWaitingPatients, 0, IDLE.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (worker != null) {
            worker.shutdownNow(); // what is left of a batch is claimed again when its claim runs out
            try {
                worker.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            worker = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return worker != null;
    }

    /** Evaluates batches of waiting patients until none is waiting; the executor runs it again after a pause. */
    private void evaluateWaitingPatients() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Instant now = clock.instant();
                List<EvaluationQueue.Claimed> claimed =
                        transaction.execute(status -> queue.claim(BATCH, now, now.plus(CLAIM)));
                if (claimed == null || claimed.isEmpty()) {
                    return;
                }
                for (EvaluationQueue.Claimed patient : claimed) {
                    if (Thread.currentThread().isInterrupted()) {
                        return;
                    }
                    evaluate(patient);
                }
            }
        } catch (Throwable e) { // the database out of reach, or an Error: an escaping one would end the schedule
            log.warn("Evaluation on change pauses after {}", e.getClass().getSimpleName());
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void evaluate(EvaluationQueue.Claimed patient) {
        SystemRequestDetails request = RequestTenants.systemRequestIn(patient.tenant());
        try {
            evaluator.evaluate(request, new IdType("Patient", patient.patientId()));
            evaluated.increment();
        } catch (ResourceNotFoundException | ResourceGoneException noSuchPatient) {
            // Data about a patient the tenant does not hold (or no longer): nothing to evaluate.
        } catch (RuntimeException | StackOverflowError e) {
            // Tried again later and later, unless the record changes first. The patient is not named in the log.
            failed.increment();
            log.atWarn()
                    .addKeyValue("tenant", patient.tenant())
                    .log(
                            "A patient's evaluation on change failed ({} time(s)) and will be tried again: {}",
                            patient.attempts() + 1,
                            e.getClass().getSimpleName());
            queue.failed(patient, clock.instant());
            return;
        }
        queue.evaluated(patient);
    }

    private double lagSeconds() {
        return queue.oldestChange()
                .map(oldest ->
                        Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1000.0))
                .orElse(0.0);
    }
}
