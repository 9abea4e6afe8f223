package org.rehab.population;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.model.JobInstanceStartRequest;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.rehab.population.PopulationRuns.Ending;
import org.rehab.population.PopulationRuns.Run;
import org.rehab.recommendation.RuleLibrary;
import org.rehab.recommendation.rules.RuleSet;
import org.rehab.tenant.RequestTenants;
import org.springframework.stereotype.Component;

/**
 * Starts, follows and cancels population evaluations, one at a time per tenant, each as an instance of the
 * {@link PopulationEvaluationJob batch2 job}.
 */
@Component
class PopulationEvaluations {

    /** A run that holds its tenant's lock. */
    static final class AlreadyRunning extends RuntimeException {
        final transient Run run;

        AlreadyRunning(Run run) {
            super("A population evaluation of this hospital is running", null, false, false);
            this.run = run;
        }
    }

    private final PopulationRuns runs;
    private final PopulationJobWatch watch;
    private final IJobCoordinator jobs;
    private final DaoRegistry daos;
    private final RuleLibrary rules;
    private final Clock clock;

    PopulationEvaluations(
            PopulationRuns runs,
            PopulationJobWatch watch,
            IJobCoordinator jobs,
            DaoRegistry daos,
            RuleLibrary rules,
            Clock clock) {
        this.runs = runs;
        this.rules = rules;
        this.watch = watch;
        this.jobs = jobs;
        this.daos = daos;
        this.clock = clock;
    }

    /**
     * Starts evaluating the tenant's patients, or the patients of one of its Groups ({@code group} not null); with a
     * candidate rule set (by name), compares what it would recommend with the rules in force, writing nothing.
     *
     * @throws AlreadyRunning if another evaluation of the tenant is running
     * @throws ResourceNotFoundException if the tenant has no such Group
     * @throws IllegalArgumentException if there is no such candidate
     * @throws org.rehab.recommendation.rules.RuleCompilationException if the candidate does not compile
     */
    Run start(String tenant, IdType group, boolean dryRun, String candidateName) {
        RuleSet candidate = candidateName == null ? null : rules.candidate(candidateName);
        String groupId = null;
        if (group != null) {
            SystemRequestDetails inTenant = RequestTenants.systemRequestIn(tenant);
            groupId = daos.getResourceDao(Group.class)
                    .read(group.toUnqualifiedVersionless(), inTenant)
                    .getIdElement()
                    .getIdPart();
        }
        Optional<Run> holder = runs.locked(tenant).map(watch::settle);
        if (holder.isPresent() && !holder.get().ended()) {
            throw new AlreadyRunning(holder.get());
        }
        Run run = new Run(
                UUID.randomUUID().toString(),
                null,
                tenant,
                groupId == null ? "Patient" : "Group/" + groupId,
                dryRun || candidate != null,
                clock.instant(),
                null,
                null,
                false,
                null,
                candidateName,
                candidate == null ? null : candidate.version());
        if (!runs.begin(run)) {
            throw new AlreadyRunning(runs.locked(tenant).orElse(run));
        }
        try {
            String instance = jobs.startInstance(
                            new SystemRequestDetails(),
                            new JobInstanceStartRequest(
                                    PopulationEvaluationJob.ID,
                                    new PopulationParameters(
                                            run.id(),
                                            tenant,
                                            groupId,
                                            run.dryRun(),
                                            run.candidate(),
                                            run.candidateVersion())))
                    .getInstanceId();
            runs.jobStarted(run.id(), instance);
            watch.sendFirstChunkSoon(instance);
        } catch (RuntimeException e) {
            runs.end(run.id(), clock.instant(), Ending.FAILED, "its job could not be created");
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

    /**
     * Cancels the run: no patient is evaluated after the ones being evaluated now. False if it had already ended.
     */
    boolean cancel(Run run) {
        if (!runs.end(run.id(), clock.instant(), Ending.CANCELLED, null)) {
            return false;
        }
        if (run.jobInstance() != null) {
            try {
                jobs.cancelInstance(run.jobInstance());
            } catch (ResourceNotFoundException gone) {
                // nothing left to cancel
            }
        }
        return true;
    }

    /** Ends runs whose job failed, so that their status says so and their tenant may start another. */
    Run settle(Run run) {
        return watch.settle(run);
    }
}
