package org.rehab.population;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import ca.uhn.fhir.batch2.api.IJobPersistence;
import ca.uhn.fhir.batch2.channel.BatchJobSender;
import ca.uhn.fhir.batch2.model.JobInstance;
import ca.uhn.fhir.batch2.model.JobInstanceStartRequest;
import ca.uhn.fhir.batch2.model.JobWorkNotification;
import ca.uhn.fhir.batch2.model.StatusEnum;
import ca.uhn.fhir.batch2.model.WorkChunkMetadata;
import ca.uhn.fhir.batch2.model.WorkChunkStatusEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.rehab.population.PopulationRuns.Run;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Component;

/**
 * Starts, follows and cancels population evaluations, one at a time per tenant, each as an instance of the
 * {@link PopulationEvaluationJob batch2 job}.
 */
@Component
class PopulationEvaluations {

    private static final Logger log = LoggerFactory.getLogger(PopulationEvaluations.class);

    /** How long a run may wait for its batch2 instance to be created before its lock counts as abandoned. */
    private static final Duration STARTING = Duration.ofMinutes(1);

    /** A run that holds its tenant's lock. */
    static final class AlreadyRunning extends RuntimeException {
        final transient Run run;

        AlreadyRunning(Run run) {
            super("A population evaluation of this hospital is running", null, false, false);
            this.run = run;
        }
    }

    private final PopulationRuns runs;
    private final IJobCoordinator jobs;
    private final IJobPersistence chunks;
    private final IJobMaintenanceService maintenance;
    private final BatchJobSender sender;
    private final Clock clock;
    private final ExecutorService starter = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "population-evaluation-start");
        thread.setDaemon(true);
        return thread;
    });

    PopulationEvaluations(
            PopulationRuns runs,
            IJobCoordinator jobs,
            IJobPersistence chunks,
            IJobMaintenanceService maintenance,
            BatchJobSender sender,
            Clock clock) {
        this.runs = runs;
        this.jobs = jobs;
        this.chunks = chunks;
        this.maintenance = maintenance;
        this.sender = sender;
        this.clock = clock;
    }

    /**
     * Starts evaluating the tenant's patients, or a Group's members ({@code group} not null).
     *
     * @throws AlreadyRunning if another evaluation of the tenant is running
     */
    Run start(String tenant, String group, boolean dryRun) {
        Instant now = clock.instant();
        runs.locked(tenant).ifPresent(holder -> {
            if (stillRunning(holder, now)) {
                throw new AlreadyRunning(holder);
            }
            runs.end(holder.id(), now, false); // its job ended without finishing it: it failed
        });
        Run run = new Run(
                UUID.randomUUID().toString(),
                null,
                tenant,
                group == null ? "Patient" : "Group/" + group,
                dryRun,
                now,
                null,
                null,
                false);
        if (!runs.begin(run)) {
            throw new AlreadyRunning(runs.locked(tenant).orElse(run));
        }
        try {
            String instance = jobs.startInstance(
                            new SystemRequestDetails(),
                            new JobInstanceStartRequest(
                                    PopulationEvaluationJob.ID,
                                    new PopulationParameters(run.id(), tenant, group, dryRun)))
                    .getInstanceId();
            runs.jobStarted(run.id(), instance);
            sendFirstChunkSoon(instance);
        } catch (RuntimeException e) {
            runs.end(run.id(), clock.instant(), true);
            throw e;
        }
        return runs.find(run.id()).orElseThrow();
    }

    /** The tenant's run, if it has one by that id. */
    Optional<Run> find(String tenant, String runId) {
        return runs.find(runId).filter(run -> run.tenant().equals(tenant));
    }

    long done(Run run) {
        return runs.done(run.id());
    }

    List<PopulationRuns.Result> results(Run run) {
        return runs.results(run.id());
    }

    /** Why the run's job failed, if it did; the run then ends, and its tenant may start another. */
    Optional<String> failure(Run run) {
        if (run.ended() || run.jobInstance() == null) {
            return Optional.empty();
        }
        Optional<JobInstance> instance = chunks.fetchInstance(run.jobInstance());
        if (instance.isPresent() && instance.get().getStatus() != StatusEnum.FAILED) {
            return Optional.empty();
        }
        runs.end(run.id(), clock.instant(), false);
        return Optional.of(instance.map(JobInstance::getErrorMessage)
                .filter(message -> message != null && !message.isBlank())
                .orElse("its job is gone"));
    }

    /** Cancels the run: no patient is evaluated after the ones being evaluated now. */
    void cancel(Run run) {
        runs.end(run.id(), clock.instant(), true);
        if (run.jobInstance() != null) {
            try {
                jobs.cancelInstance(run.jobInstance());
            } catch (ResourceNotFoundException gone) {
                // nothing left to cancel
            }
        }
    }

    /**
     * Sends again the chunks of unfinished population evaluations that were queued, being evaluated or waiting to be
     * tried again when an instance stopped: batch2 does not, and its job would never end. An instance still evaluating one of them
     * meets patients already recorded, and an evaluation that races another writes each recommendation once.
     */
    @EventListener(ApplicationReadyEvent.class)
    void resumeAfterRestart() {
        for (JobInstance instance :
                jobs.getInstancesbyJobDefinitionIdAndEndedStatus(PopulationEvaluationJob.ID, false, 100, 0)) {
            List<WorkChunkMetadata> unfinished = chunks.fetchAllWorkChunkMetadataForJobInStates(
                            PageRequest.of(0, 10_000),
                            instance.getInstanceId(),
                            Set.of(
                                    WorkChunkStatusEnum.QUEUED,
                                    WorkChunkStatusEnum.IN_PROGRESS,
                                    WorkChunkStatusEnum.ERRORED))
                    .getContent();
            for (WorkChunkMetadata chunk : unfinished) {
                sender.sendWorkChannelMessage(
                        new JobWorkNotification(instance, chunk.getTargetStepId(), chunk.getId()));
            }
            if (!unfinished.isEmpty()) {
                log.info("Population evaluation: {} unfinished chunk(s) sent again after a restart", unfinished.size());
            }
            sendFirstChunkSoon(instance.getInstanceId());
        }
    }

    /**
     * batch2 sends a job's first chunk at its next maintenance pass, up to a minute away: run one now, and again
     * while the job waits (a pass already running on another thread skips this one).
     */
    private void sendFirstChunkSoon(String instanceId) {
        starter.execute(() -> {
            for (int attempt = 0; attempt < 30; attempt++) {
                maintenance.runMaintenancePass();
                if (chunks.fetchInstance(instanceId)
                        .map(instance -> instance.getStatus() != StatusEnum.QUEUED)
                        .orElse(true)) {
                    return;
                }
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
    }

    private boolean stillRunning(Run run, Instant now) {
        if (run.jobInstance() == null) {
            return run.startedAt().plus(STARTING).isAfter(now);
        }
        return chunks.fetchInstance(run.jobInstance())
                .map(instance -> !instance.getStatus().isEnded())
                .orElse(false);
    }
}
