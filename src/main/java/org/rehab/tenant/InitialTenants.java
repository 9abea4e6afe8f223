package org.rehab.tenant;

import ca.uhn.fhir.jpa.entity.PartitionEntity;
import ca.uhn.fhir.jpa.partition.IPartitionLookupSvc;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/** Creates the configured hospital tenants (HAPI partitions) that do not exist yet. */
@Component
@Order(0)
class InitialTenants implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(InitialTenants.class);

    private final IPartitionLookupSvc partitions;
    private final TenancySettings settings;
    private final RegisteredTenants tenants;

    InitialTenants(IPartitionLookupSvc partitions, TenancySettings settings, RegisteredTenants tenants) {
        this.partitions = partitions;
        this.settings = settings;
        this.tenants = tenants;
    }

    @Override
    public void run(ApplicationArguments args) {
        settings.initialTenants().forEach(this::createIfMissing);
    }

    private void createIfMissing(String name, Integer id) {
        if (tenants.hasPartition(name)) {
            return;
        }
        try {
            partitions.createPartition(new PartitionEntity().setId(id).setName(name), new SystemRequestDetails());
            log.info("Created tenant {} (partition {})", name, id);
        } catch (RuntimeException e) {
            partitions.invalidateCaches();
            if (!tenants.hasPartition(name)) {
                throw e;
            }
            // Another instance sharing the database created it first.
        }
    }
}
