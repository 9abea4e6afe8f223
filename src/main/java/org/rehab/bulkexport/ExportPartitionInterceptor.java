package org.rehab.bulkexport;

import ca.uhn.fhir.batch2.api.IJobInstance;
import ca.uhn.fhir.batch2.model.JobInstance;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.util.Batch2JobDefinitionConstants;

/**
 * An export's files are written in the hospital it read: HAPI's batch steps write them with a request that names no
 * partition, which would put them in DEFAULT, with the definitions every hospital shares.
 */
@Interceptor
public class ExportPartitionInterceptor {

    @Hook(Pointcut.STORAGE_BATCH_TASK_NEW_REQUEST_DETAILS)
    public void writeInTheExportedHospital(IJobInstance job, RequestDetails request) {
        if (job instanceof JobInstance instance
                && Batch2JobDefinitionConstants.BULK_EXPORT.equals(instance.getJobDefinitionId())
                && request instanceof SystemRequestDetails system) {
            BulkExportJobParameters export = instance.getParameters(BulkExportJobParameters.class);
            system.setRequestPartitionId(export.getPartitionIdForSecurity());
        }
    }
}
