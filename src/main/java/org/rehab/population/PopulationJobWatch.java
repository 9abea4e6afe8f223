package org.rehab.population;

import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import ca.uhn.fhir.batch2.api.IJobPersistence;
import ca.uhn.fhir.batch2.channel.BatchJobSender;
import ca.uhn.fhir.batch2.model.JobInstance;
import ca.uhn.fhir.batch2.model.JobWorkNotification;
import ca.uhn.fhir.batch2.model.StatusEnum;
import ca.uhn.fhir.batch2.model.WorkChunk;
import ca.uhn.fhir.batch2.model.WorkChunkStatusEnum;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.rehab.population.PopulationRuns.Ending;
import org.rehab.population.PopulationRuns.Run;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * What batch2 8.8 leaves undone for a population evaluation's job: it sends a job's first chunk only at its next
 * maintenance pass (up to a minute away), it never sends again the chunks an instance held when it stopped, and a
 * job that ends without evaluating every patient says nothing to the run. This watch starts a job's first chunk at
 * once, sends an instance's unfinished chunks again when it starts and any chunk stalled for {@link #STALLED} while
 * it runs (another instance died with it), and ends the run of a job that ended as failed.
 */
@Component
class PopulationJobWatch implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PopulationJobWatch.class);

    /** How long a chunk of patients may stay queued or in progress before it counts as lost with its instance. */
    static final Duration STALLED = Duration.ofMinutes(10);

    /** How long a run may wait for its batch2 job to be created. */
    private static final Duration STARTING = Duration.ofMinutes(1);

    private static final Duration INTERVAL = Duration.ofSeconds(15);
    private static final Set<WorkChunkStatusEnum> UNFINISHED =
            Set.of(WorkChunkStatusEnum.QUEUED, WorkChunkStatusEnum.IN_PROGRESS, WorkChunkStatusEnum.ERRORED);

    private final PopulationRuns runs;
    private final IJobPersistence jobs;
    private final IJobMaintenanceService maintenance;
    private final BatchJobSender sender;
    private final Clock clock;
    private ScheduledExecutorService executor;

    PopulationJobWatch(
            PopulationRuns runs,
            IJobPersistence jobs,
            IJobMaintenanceService maintenance,
            BatchJobSender sender,
            Clock clock) {
        this.runs = runs;
        this.jobs = jobs;
        this.maintenance = maintenance;
        this.sender = sender;
        this.clock = clock;
    }

    @Override
    public synchronized void start() {
        executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "population-evaluation-watch");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(
                this::watchSafely, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }

    /** Runs a maintenance pass now and again each second while the job waits for it, up to 30 times. */
    synchronized void sendFirstChunkSoon(String jobInstance) {
        if (executor == null) {
            return; // stopping: the next instance to start sends it
        }
        executor.execute(() -> {
            for (int attempt = 0; attempt < 30 && !Thread.currentThread().isInterrupted(); attempt++) {
                maintenance.runMaintenancePass(); // skipped if a pass already runs here, hence the loop
                if (jobs.fetchInstance(jobInstance)
                        .map(instance -> instance.getStatus() != StatusEnum.QUEUED)
                        .orElse(true)) {
                    return;
                }
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
    }

    /**
     * When an instance starts, sends again every unfinished chunk of the runs in progress: after a restart of the only
     * instance they would otherwise never run. An instance still evaluating one of them meets its patients already
     * recorded, and two evaluations of one patient write each recommendation once.
     */
    @EventListener(ApplicationReadyEvent.class)
    void resumeAfterRestart() {
        for (Run run : runs.unfinished()) {
            if (run.jobInstance() != null && !settle(run).ended()) {
                int sent = resend(run.jobInstance(), Instant.MAX);
                if (sent > 0) {
                    log.info("Population evaluation: {} unfinished chunk(s) sent again after a restart", sent);
                }
                sendFirstChunkSoon(run.jobInstance());
            }
        }
    }

    /**
     * Ends the run if its job ended without finishing it, or never started; the run as it is now.
     */
    Run settle(Run run) {
        if (run.ended()) {
            return run;
        }
        Instant now = clock.instant();
        if (run.jobInstance() == null) {
            if (run.startedAt().plus(STARTING).isBefore(now)) {
                runs.end(run.id(), now, Ending.FAILED, "its job was never created");
            }
        } else {
            Optional<JobInstance> job = jobs.fetchInstance(run.jobInstance());
            if (job.isEmpty() || job.get().getStatus().isEnded()) {
                boolean everyPatient = run.total() != null && runs.done(run.id()) >= run.total();
                runs.end(
                        run.id(),
                        now,
                        everyPatient ? Ending.DONE : Ending.FAILED,
                        "its job ended as "
                                + job.map(JobInstance::getStatus).orElse(StatusEnum.FAILED)
                                + " before every patient was evaluated");
            }
        }
        return runs.find(run.id()).orElse(run);
    }

    private void watchSafely() {
        try {
            for (Run run : runs.unfinished()) {
                if (run.jobInstance() != null && !settle(run).ended()) {
                    int sent = resend(run.jobInstance(), clock.instant().minus(STALLED));
                    if (sent > 0) {
                        log.warn("Population evaluation: {} stalled chunk(s) sent again", sent);
                    }
                } else {
                    settle(run);
                }
            }
        } catch (RuntimeException e) { // the database out of reach: the next round tries again
            log.warn("Population evaluation watch failed: {}", e.getClass().getSimpleName());
        }
    }

    /** Sends again the job's unfinished chunks last changed before {@code before}; how many. */
    private int resend(String jobInstance, Instant before) {
        Optional<JobInstance> instance = jobs.fetchInstance(jobInstance);
        if (instance.isEmpty()) {
            return 0;
        }
        int sent = 0;
        Iterator<WorkChunk> chunks = jobs.fetchAllWorkChunksIterator(jobInstance, false);
        while (chunks.hasNext()) {
            WorkChunk chunk = chunks.next();
            Date changed = chunk.getUpdateTime() != null ? chunk.getUpdateTime() : chunk.getCreateTime();
            if (UNFINISHED.contains(chunk.getStatus())
                    && (changed == null || changed.toInstant().isBefore(before))) {
                sender.sendWorkChannelMessage(
                        new JobWorkNotification(instance.get(), chunk.getTargetStepId(), chunk.getId()));
                sent++;
            }
        }
        return sent;
    }
}
