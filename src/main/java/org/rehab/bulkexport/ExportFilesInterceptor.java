package org.rehab.bulkexport;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationConstants;
import ca.uhn.fhir.rest.server.interceptor.binary.BinarySecurityContextInterceptor;
import org.hl7.fhir.instance.model.api.IBaseBinary;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.rehab.security.Callers;

/**
 * An export's files (Binaries stamped by {@link ExportRequesterInterceptor}) are read, changed and deleted by the
 * client that asked for the export alone, whatever else its hospital's tokens may read: HAPI's Binary security
 * context check, with the client of the access token as the identity.
 */
@Interceptor(order = AuthorizationConstants.ORDER_BINARY_SECURITY_INTERCEPTOR)
public class ExportFilesInterceptor extends BinarySecurityContextInterceptor {

    public ExportFilesInterceptor(FhirContext fhirContext) {
        super(fhirContext);
    }

    @Override
    protected boolean securityContextIdentifierAllowed(String system, String value, RequestDetails request) {
        return Callers.CLIENTS.equals(system)
                && Callers.currentClient().map(client -> client.equals(value)).orElse(false);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
    public void checkDelete(IBaseResource resource, RequestDetails request) {
        if (resource instanceof IBaseBinary binary) {
            applyAccessControl(binary, request);
        }
    }
}
