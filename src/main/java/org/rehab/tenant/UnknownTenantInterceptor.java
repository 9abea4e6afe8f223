package org.rehab.tenant;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.partition.IPartitionLookupSvc;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.provider.ProviderConstants;

/** Answers 404 for any request to a tenant that no hospital is registered under, {@code metadata} included. */
@Interceptor
public class UnknownTenantInterceptor {

    private final IPartitionLookupSvc partitions;

    public UnknownTenantInterceptor(IPartitionLookupSvc partitions) {
        this.partitions = partitions;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public void rejectUnknownTenant(RequestDetails request) {
        String tenant = request.getTenantId();
        if (tenant == null || ProviderConstants.DEFAULT_PARTITION_NAME.equals(tenant)) {
            return;
        }
        if (ProviderConstants.ALL_PARTITIONS_TENANT_NAME.equals(tenant)) {
            throw unknownTenant(tenant);
        }
        try {
            partitions.getPartitionByName(tenant);
        } catch (ResourceNotFoundException e) {
            throw unknownTenant(tenant);
        }
    }

    static ResourceNotFoundException unknownTenant(String tenant) {
        return new ResourceNotFoundException("Unknown tenant '" + tenant
                + "': every FHIR URL starts with the tenant of a registered hospital, as in /fhir/{tenant}/Patient");
    }
}
