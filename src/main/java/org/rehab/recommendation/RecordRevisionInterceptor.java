package org.rehab.recommendation;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.time.Clock;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.rehab.tenant.RequestTenants;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Renews the {@link RecordRevisions revision} of every patient whose rule inputs a write touches (their Patient,
 * Conditions, Observations, Procedures and Encounters; PractitionerRoles count for the whole tenant), once per
 * transaction, just before it commits; in a tenant that evaluates on change, the same patients are queued for
 * evaluation ({@link EvaluationQueue}) in the same transaction, except after an evaluation's own writes.
 */
@Interceptor
@Component
public class RecordRevisionInterceptor {

    private final RecordRevisions revisions;
    private final EvaluationQueue queue;
    private final RecommendationSettings settings;
    private final Clock clock;

    RecordRevisionInterceptor(
            RecordRevisions revisions, EvaluationQueue queue, RecommendationSettings settings, Clock clock) {
        this.revisions = revisions;
        this.queue = queue;
        this.settings = settings;
        this.clock = clock;
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
    public void created(IBaseResource resource, RequestDetails request) {
        touched(resource, request);
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
    public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
        touched(previous, request);
        touched(resource, request);
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
    public void deleted(IBaseResource resource, RequestDetails request) {
        touched(resource, request);
    }

    private void touched(IBaseResource resource, RequestDetails request) {
        String patient = patientOf(resource);
        if (patient == null) {
            return;
        }
        String tenant = RequestTenants.of(request);
        boolean toEvaluate = !RecordRevisions.WHOLE_TENANT.equals(patient)
                && !RecommendationWriter.isEvaluationWrite(request)
                && settings.evaluatesOnChange(tenant);
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            revisions.changed(tenant, Set.of(patient));
            if (toEvaluate) {
                queue.changed(tenant, Set.of(patient), clock.instant());
            }
            return;
        }
        Changes changes = (Changes) TransactionSynchronizationManager.getResource(this);
        if (changes == null) {
            changes = new Changes(tenant);
            TransactionSynchronizationManager.bindResource(this, changes);
            TransactionSynchronizationManager.registerSynchronization(changes);
        }
        changes.patients.add(patient);
        if (toEvaluate) {
            changes.toEvaluate.add(patient);
        }
    }

    /** The patient whose rule inputs the resource is part of, {@code "*"} for tenant-wide data, or null. */
    private static String patientOf(IBaseResource resource) {
        if (resource instanceof Patient patient) {
            return patient.getIdElement().getIdPart();
        }
        if (resource instanceof PractitionerRole) {
            return RecordRevisions.WHOLE_TENANT;
        }
        Reference subject = resource instanceof Condition condition
                ? condition.getSubject()
                : resource instanceof Observation observation
                        ? observation.getSubject()
                        : resource instanceof Procedure procedure
                                ? procedure.getSubject()
                                : resource instanceof Encounter encounter ? encounter.getSubject() : null;
        if (subject == null || !"Patient".equals(subject.getReferenceElement().getResourceType())) {
            return null;
        }
        return subject.getReferenceElement().getIdPart();
    }

    /** The patients a transaction touched, renewed when it is about to commit. */
    private final class Changes implements TransactionSynchronization {

        private final String tenant;
        private final Set<String> patients = new TreeSet<>();
        private final Set<String> toEvaluate = new TreeSet<>();

        private Changes(String tenant) {
            this.tenant = tenant;
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            revisions.changed(tenant, patients);
            if (!toEvaluate.isEmpty()) {
                queue.changed(tenant, toEvaluate, clock.instant());
            }
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(RecordRevisionInterceptor.this);
        }
    }
}
