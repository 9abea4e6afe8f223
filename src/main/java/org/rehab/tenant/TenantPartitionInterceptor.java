package org.rehab.tenant;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.interceptor.model.ReadPartitionIdRequestDetails;
import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.provider.ProviderConstants;
import java.util.Set;

/**
 * Maps the hospital named in the URL ({@code /fhir/{tenant}/...}) to its HAPI partition for every read and
 * write; HAPI's "all partitions" pseudo-tenant is not reachable. Shared definitions (the recommendation catalog) live in the DEFAULT partition and are readable from every
 * tenant; the conformance resources HAPI never partitions (StructureDefinition, ValueSet...) are shared by HAPI
 * itself.
 */
@Interceptor
public class TenantPartitionInterceptor {

    static final Set<String> SHARED_RESOURCE_TYPES = Set.of("ActivityDefinition");

    private final PartitionSettings partitionSettings;

    public TenantPartitionInterceptor(PartitionSettings partitionSettings) {
        this.partitionSettings = partitionSettings;
    }

    @Hook(Pointcut.STORAGE_PARTITION_IDENTIFY_CREATE)
    public RequestPartitionId partitionForCreate(RequestDetails request) {
        return tenantPartition(request);
    }

    @Hook(Pointcut.STORAGE_PARTITION_IDENTIFY_READ)
    public RequestPartitionId partitionForRead(RequestDetails request, ReadPartitionIdRequestDetails details) {
        RequestPartitionId tenant = tenantPartition(request);
        String name = tenant.getFirstPartitionNameOrNull();
        String type = details.getResourceType();
        if (type != null
                && SHARED_RESOURCE_TYPES.contains(type)
                && name != null
                && !ProviderConstants.DEFAULT_PARTITION_NAME.equals(name)) {
            return RequestPartitionId.fromPartitionNames(name, ProviderConstants.DEFAULT_PARTITION_NAME);
        }
        return tenant;
    }

    private RequestPartitionId tenantPartition(RequestDetails request) {
        String tenant = request.getTenantId();
        if (tenant == null) {
            if (request instanceof SystemRequestDetails system && system.getRequestPartitionId() != null) {
                return system.getRequestPartitionId();
            }
            return partitionSettings.getDefaultRequestPartitionId();
        }
        if (ProviderConstants.ALL_PARTITIONS_TENANT_NAME.equals(tenant)) {
            throw UnknownTenantInterceptor.unknownTenant(tenant);
        }
        return RequestPartitionId.fromPartitionName(tenant);
    }
}
