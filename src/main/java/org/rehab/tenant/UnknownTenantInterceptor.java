package org.rehab.tenant;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;

/** Answers 404 for any request to a tenant that no hospital is registered under, {@code metadata} included. */
@Interceptor
public class UnknownTenantInterceptor {

    private final RegisteredTenants tenants;

    public UnknownTenantInterceptor(RegisteredTenants tenants) {
        this.tenants = tenants;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public void rejectUnknownTenant(RequestDetails request) {
        String tenant = request.getTenantId();
        if (tenant != null && !tenants.exists(tenant)) {
            throw unknownTenant(tenant);
        }
    }

    static ResourceNotFoundException unknownTenant(String tenant) {
        return new ResourceNotFoundException("Unknown tenant '" + tenant
                + "': every FHIR URL starts with the tenant of a registered hospital, as in /fhir/{tenant}/Patient");
    }
}
