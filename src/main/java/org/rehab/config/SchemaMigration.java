package org.rehab.config;

import ca.uhn.fhir.jpa.migrate.HapiMigrator;
import ca.uhn.fhir.jpa.migrate.SchemaMigrator;
import ca.uhn.fhir.jpa.migrate.tasks.HapiFhirJpaMigrationTasks;
import ca.uhn.fhir.util.VersionEnum;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Creates or upgrades the database schema with HAPI's own migration tasks before Hibernate starts. A fresh
 * database gets the full schema in one step; an older one gets only the missing tasks. A lock row keeps
 * several instances from migrating at once.
 */
final class SchemaMigration {

    private SchemaMigration() {}

    static void migrate(DataSource dataSource, DatabasePlatform platform) {
        HapiMigrator migrator =
                new HapiMigrator(SchemaMigrator.HAPI_FHIR_MIGRATION_TABLENAME, dataSource, platform.driverType);
        migrator.createMigrationTableIfRequired();
        migrator.addTasks(
                new HapiFhirJpaMigrationTasks(Set.of("database-partition-mode")).getAllTasks(VersionEnum.values()));
        migrator.migrate();
    }
}
