package org.rehab.bulkexport;

import ca.uhn.fhir.batch2.api.IJobPersistence;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.model.util.JpaConstants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationConstants;
import ca.uhn.fhir.rest.server.provider.ProviderConstants;
import ca.uhn.fhir.util.Batch2JobDefinitionConstants;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An export's status (and its cancellation) answers the client that asked for it, in the hospital it exports, and
 * nobody else: to anyone else the export does not exist. It runs after the authorization rules.
 */
@Interceptor(order = AuthorizationConstants.ORDER_AUTH_INTERCEPTOR + 1)
public class ExportStatusInterceptor {

    /** HAPI names its jobs with UUIDs. */
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final IJobPersistence jobs;

    public ExportStatusInterceptor(IJobPersistence jobs) {
        this.jobs = jobs;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void onlyForTheRequester(RequestDetails request) {
        if (!ProviderConstants.OPERATION_EXPORT_POLL_STATUS.equals(request.getOperation())) {
            return;
        }
        String[] ids = request.getParameters().get(JpaConstants.PARAM_EXPORT_POLL_STATUS_JOB_ID);
        if (ids == null || ids.length != 1 || ids[0].isBlank()) {
            throw new InvalidRequestException("Poll the Content-Location that $export answered: "
                    + ProviderConstants.OPERATION_EXPORT_POLL_STATUS + "?"
                    + JpaConstants.PARAM_EXPORT_POLL_STATUS_JOB_ID + "={the export's id}");
        }
        boolean requesters = JOB_ID.matcher(ids[0]).matches()
                && jobs.fetchInstance(ids[0])
                        .filter(job -> Batch2JobDefinitionConstants.BULK_EXPORT.equals(job.getJobDefinitionId()))
                        .map(job -> job.getParameters(BulkExportJobParameters.class))
                        .filter(export -> exports(export, request.getTenantId()))
                        .filter(ExportRequesterInterceptor::isRequester)
                        .isPresent();
        if (!requesters) {
            throw new ResourceNotFoundException(
                    "This client has no export with this id in hospital " + request.getTenantId());
        }
    }

    private static boolean exports(BulkExportJobParameters export, String tenant) {
        RequestPartitionId partition = export.getPartitionIdForSecurity();
        return partition != null
                && partition.hasPartitionNames()
                && partition.getPartitionNames().equals(List.of(tenant));
    }
}
