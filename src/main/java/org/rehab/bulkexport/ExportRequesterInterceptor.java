package org.rehab.bulkexport;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import org.rehab.security.Callers;

/**
 * Stamps each export with the client that asked for it, which HAPI writes on every file as its
 * {@code Binary.securityContext}: the export's status and files then answer that client alone.
 */
@Interceptor
public class ExportRequesterInterceptor {

    @Hook(Pointcut.STORAGE_PRE_INITIATE_BULK_EXPORT)
    public void stampRequester(BulkExportJobParameters export) {
        Callers.currentClient().ifPresent(client -> {
            export.setBinarySecurityContextIdentifierSystem(Callers.CLIENTS);
            export.setBinarySecurityContextIdentifierValue(client);
        });
    }

    /** Whether the current caller is the client an export was stamped with (both none in local mode). */
    static boolean isRequester(BulkExportJobParameters export) {
        String requester = export.getBinarySecurityContextIdentifierValue();
        return Callers.currentClient()
                .map(client -> Callers.CLIENTS.equals(export.getBinarySecurityContextIdentifierSystem())
                        && client.equals(requester))
                .orElse(requester == null);
    }
}
