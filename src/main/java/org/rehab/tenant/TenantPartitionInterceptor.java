package org.rehab.tenant;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.interceptor.model.ReadPartitionIdRequestDetails;
import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.provider.ProviderConstants;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Maps the hospital named in the URL ({@code /fhir/{tenant}/...}) to its HAPI partition for every read and
 * write. The DEFAULT partition holds only shared definitions: ActivityDefinitions there (the recommendation
 * catalog) are readable from every tenant, as HAPI already makes the conformance resources it never partitions
 * (StructureDefinition, ValueSet...); the server also keeps there the audit trail of what was done at platform level
 * (tenant management). HAPI's "all partitions" pseudo-tenant is not reachable.
 */
@Interceptor
public class TenantPartitionInterceptor {

    private static final String DEFAULT = ProviderConstants.DEFAULT_PARTITION_NAME;
    private static final String BINARY = "Binary";

    private final PartitionSettings partitionSettings;

    public TenantPartitionInterceptor(PartitionSettings partitionSettings) {
        this.partitionSettings = partitionSettings;
    }

    @Hook(Pointcut.STORAGE_PARTITION_IDENTIFY_CREATE)
    public RequestPartitionId partitionForCreate(RequestDetails request, IBaseResource resource) {
        String type = resource.fhirType();
        boolean platformAudit = "AuditEvent".equals(type) && request instanceof SystemRequestDetails;
        if (DEFAULT.equals(request.getTenantId())
                && !SharedDefinitions.STORABLE_TYPES.contains(type)
                && !platformAudit) {
            throw new InvalidRequestException("The DEFAULT tenant holds shared definitions only: write " + type
                    + " to a hospital tenant, as in /fhir/{tenant}/" + type);
        }
        return tenantPartition(request);
    }

    @Hook(Pointcut.STORAGE_PARTITION_IDENTIFY_READ)
    public RequestPartitionId partitionForRead(RequestDetails request, ReadPartitionIdRequestDetails details) {
        String type = details.getResourceType();
        if (BINARY.equals(type) && isUnplaced(request)) {
            // HAPI deletes expired Bulk Data export files, which lie in the hospitals' partitions, with such requests.
            return RequestPartitionId.allPartitions();
        }
        RequestPartitionId tenant = tenantPartition(request);
        String name = tenant.getFirstPartitionNameOrNull();
        if (type != null && SharedDefinitions.CATALOG_TYPES.contains(type) && name != null && !DEFAULT.equals(name)) {
            return RequestPartitionId.fromPartitionNames(name, DEFAULT);
        }
        return tenant;
    }

    /** The server's own request, made with no tenant and no partition: never a client's. */
    private static boolean isUnplaced(RequestDetails request) {
        return request instanceof SystemRequestDetails system
                && system.getTenantId() == null
                && system.getRequestPartitionId() == null;
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
