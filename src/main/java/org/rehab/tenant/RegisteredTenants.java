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

    public boolean exists(String tenant) {
        if (ProviderConstants.DEFAULT_PARTITION_NAME.equals(tenant)) {
            return true;
        }
        if (tenant == null || ProviderConstants.ALL_PARTITIONS_TENANT_NAME.equals(tenant)) {
            return false;
        }
        try {
            partitions.getPartitionByName(tenant);
            return true;
        } catch (ResourceNotFoundException e) {
            return false;
        }
    }
}
