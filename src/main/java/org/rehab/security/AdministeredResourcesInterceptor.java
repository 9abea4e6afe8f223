package org.rehab.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Two kinds of resource that scopes alone do not decide, checked on the resources themselves so that every path
 * (search, paging, history, {@code $everything}, batches, conditional writes) is covered and nothing else is
 * refused: the audit trail is read by a hospital's administrators only and written by the server alone; the
 * alert endpoints, which decide where patient data is sent, are changed by administrators only; Subscriptions,
 * which do too and carry their receivers' credentials, are read and changed by administrators and the hospital's
 * EHR back ends only.
 */
@Interceptor
public class AdministeredResourcesInterceptor {

    private static final String AUDIT_EVENT = "AuditEvent";
    private static final String ENDPOINT = "Endpoint";
    private static final String SUBSCRIPTION = "Subscription";
    private static final String SUBSCRIPTIONS_ARE_ADMINISTERED = "Subscriptions decide where patient data is sent:"
            + " they are read and changed by a hospital's administrators and its EHR back ends only";

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void refuseAuditTrailRequests(RequestDetails request) {
        if (AUDIT_EVENT.equals(request.getResourceName()) && !isAdministrator()) {
            throw new ForbiddenOperationException("The audit trail is read by a hospital's administrators only");
        }
        if (SUBSCRIPTION.equals(request.getResourceName()) && !isAdministrator() && !isBackEnd()) {
            throw new ForbiddenOperationException(SUBSCRIPTIONS_ARE_ADMINISTERED);
        }
    }

    /**
     * Runs before the authorization rules look at the same results. Subscriptions are hidden like the audit trail: their
     * headers carry the credentials their receivers expect.
     */
    @Hook(value = Pointcut.STORAGE_PRESHOW_RESOURCES, order = -10)
    public void hideAdministeredResources(RequestDetails request, IPreResourceShowDetails details) {
        if (!(request instanceof ServletRequestDetails) || isAdministrator()) {
            return;
        }
        boolean backEnd = isBackEnd();
        for (int i = 0; i < details.size(); i++) {
            IBaseResource resource = details.getResource(i);
            if (resource != null
                    && (AUDIT_EVENT.equals(resource.fhirType())
                            || (SUBSCRIPTION.equals(resource.fhirType()) && !backEnd))) {
                details.setResource(i, null);
            }
        }
    }

    /** A Bulk Data export leaves the audit trail out as searches do (the IG lets it limit what it returns). */
    @Hook(Pointcut.STORAGE_PRE_INITIATE_BULK_EXPORT)
    public void leaveAuditTrailOutOfExports(BulkExportJobParameters export) {
        if (!isAdministrator() && export.getResourceTypes().contains(AUDIT_EVENT)) {
            List<String> types = new ArrayList<>(export.getResourceTypes());
            types.remove(AUDIT_EVENT);
            export.setResourceTypes(types);
        }
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void checkCreate(RequestDetails request, IBaseResource resource) {
        checkWrite(request, resource);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void checkUpdate(RequestDetails request, IBaseResource oldResource, IBaseResource resource) {
        checkWrite(request, resource);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
    public void checkDelete(RequestDetails request, IBaseResource resource) {
        checkWrite(request, resource);
    }

    private static void checkWrite(RequestDetails request, IBaseResource resource) {
        if (!(request instanceof ServletRequestDetails)) {
            return; // the server's own writes: the audit trail, recommendations
        }
        if (AUDIT_EVENT.equals(resource.fhirType())) {
            throw new ForbiddenOperationException("The audit trail is written by the server alone");
        }
        if (ENDPOINT.equals(resource.fhirType()) && !isAdministrator()) {
            throw new ForbiddenOperationException("Alert endpoints decide where patient data is sent: they are"
                    + " changed by a hospital's administrators only");
        }
        if (SUBSCRIPTION.equals(resource.fhirType()) && !isAdministrator() && !isBackEnd()) {
            throw new ForbiddenOperationException(SUBSCRIPTIONS_ARE_ADMINISTERED);
        }
    }

    private static boolean isBackEnd() {
        return Callers.current()
                .map(caller -> caller.kind() == Caller.Kind.SYSTEM)
                .orElse(false);
    }

    private static boolean isAdministrator() {
        return Callers.current()
                .map(caller -> caller.kind() == Caller.Kind.ADMIN || caller.kind() == Caller.Kind.PLATFORM)
                .orElse(false);
    }
}
