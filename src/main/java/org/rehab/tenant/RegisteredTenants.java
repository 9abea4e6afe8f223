package org.rehab.tenant;

import ca.uhn.fhir.jpa.partition.IPartitionLookupSvc;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.provider.ProviderConstants;
import org.springframework.stereotype.Component;

/** Whether a tenant name is registered: a hospital's partition, or DEFAULT (what every hospital shares). */
@Component
public class RegisteredTenants {

    private final IPartitionLookupSvc partitions;

    RegisteredTenants(IPartitionLookupSvc partitions) {
        this.partitions = partitions;
    }

    /** Whether requests may name this tenant: DEFAULT, or a hospital's partition (never HAPI's "all partitions"). */
    public boolean exists(String tenant) {
        if (ProviderConstants.DEFAULT_PARTITION_NAME.equals(tenant)) {
            return true;
        }
        if (tenant == null || ProviderConstants.ALL_PARTITIONS_TENANT_NAME.equals(tenant)) {
            return false;
        }
        return hasPartition(tenant);
    }

    /** Whether a partition of this name is stored. */
    boolean hasPartition(String name) {
        try {
            partitions.getPartitionByName(name);
            return true;
        } catch (ResourceNotFoundException e) {
            return false;
        }
    }
}
