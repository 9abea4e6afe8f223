package org.rehab.population;

import ca.uhn.fhir.batch2.api.IFirstJobStepWorker;
import ca.uhn.fhir.batch2.api.IJobDataSink;
import ca.uhn.fhir.batch2.api.JobExecutionFailedException;
import ca.uhn.fhir.batch2.api.RunOutcome;
import ca.uhn.fhir.batch2.api.StepExecutionDetails;
import ca.uhn.fhir.batch2.api.VoidModel;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.time.Clock;
import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.rehab.tenant.RequestTenants;

/**
 * The first step of a population evaluation: lists the patients it covers (every patient of the tenant, or the
 * patients among a Group's members) and hands them out in work chunks that instances evaluate in parallel.
 */
class PatientLister implements IFirstJobStepWorker<PopulationParameters, PatientChunk> {

    /**
     * The most patients per work chunk: a chunk is the work done again when an instance stops in its middle, and the
     * unit instances and threads share. A small population is cut in at least {@link #FEWEST_CHUNKS}, so that every
     * thread has work.
     */
    static final int CHUNK = 100;

    static final int FEWEST_CHUNKS = 8;

    /** The most patients a run lists; a tenant with more is evaluated by Group. */
    static final int MOST_PATIENTS = 500_000;

    private final DaoRegistry daos;
    private final PopulationRuns runs;
    private final Clock clock;

    PatientLister(DaoRegistry daos, PopulationRuns runs, Clock clock) {
        this.daos = daos;
        this.runs = runs;
        this.clock = clock;
    }

    @Override
    public RunOutcome run(StepExecutionDetails<PopulationParameters, VoidModel> step, IJobDataSink<PatientChunk> sink) {
        PopulationParameters run = step.getParameters();
        if (runs.cancelled(run.runId())) {
            return RunOutcome.SUCCESS;
        }
        SystemRequestDetails request = RequestTenants.systemRequestIn(run.tenant());
        List<String> patients = run.group() == null ? everyPatient(request) : members(request, run.group());
        runs.listed(run.runId(), patients.size());
        int chunk = Math.max(1, Math.min(CHUNK, (patients.size() + FEWEST_CHUNKS - 1) / FEWEST_CHUNKS));
        for (int from = 0; from < patients.size(); from += chunk) {
            sink.accept(new PatientChunk(patients.subList(from, Math.min(patients.size(), from + chunk))));
        }
        if (patients.isEmpty()) {
            runs.end(run.runId(), clock.instant(), PopulationRuns.Ending.DONE, null);
        }
        return new RunOutcome(patients.size());
    }

    private List<String> everyPatient(SystemRequestDetails request) {
        SearchParameterMap all = SearchParameterMap.newSynchronous();
        all.setLoadSynchronousUpTo(MOST_PATIENTS + 1);
        List<String> patients = daos.getResourceDao(Patient.class).searchForResourceIds(all, request).stream()
                .map(IIdType::getIdPart)
                .sorted()
                .toList();
        if (patients.size() > MOST_PATIENTS) {
            throw new JobExecutionFailedException(
                    "The hospital has more than " + MOST_PATIENTS + " patients: evaluate them by Group");
        }
        return patients;
    }

    private List<String> members(SystemRequestDetails request, String groupId) {
        Group group = daos.getResourceDao(Group.class).read(new IdType("Group", groupId), request);
        // Only the tenant's own patients, by relative reference: an absolute one may name another server's (or
        // hospital's) patient that has the same id here. Members no longer in the Group are not evaluated.
        return group.getMember().stream()
                .filter(member -> !member.getInactive())
                .map(member -> member.getEntity().getReferenceElement())
                .filter(reference -> !reference.hasBaseUrl()
                        && "Patient".equals(reference.getResourceType())
                        && reference.hasIdPart())
                .map(IIdType::getIdPart)
                .distinct()
                .sorted()
                .toList();
    }
}
