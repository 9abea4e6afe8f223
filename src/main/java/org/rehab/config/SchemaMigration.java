package org.rehab.config;

import ca.uhn.fhir.jpa.migrate.HapiMigrator;
import ca.uhn.fhir.jpa.migrate.SchemaMigrator;
import ca.uhn.fhir.jpa.migrate.tasks.HapiFhirJpaMigrationTasks;
import ca.uhn.fhir.util.VersionEnum;
import java.util.Set;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.rehab.database.DatabasePlatform;

/**
 * Creates or upgrades the database schema before Hibernate starts: HAPI's tables with HAPI's own migration
 * tasks (a fresh database gets the full schema in one step, an older one only the missing tasks), then this
 * server's own tables ({@code rehab_*}, Flyway scripts in {@code db/rehab}). Both take a lock, so several
 * instances may start at once.
 */
final class SchemaMigration {

    private SchemaMigration() {}

    static void migrate(DataSource dataSource, DatabasePlatform platform) {
        HapiMigrator migrator =
                new HapiMigrator(SchemaMigrator.HAPI_FHIR_MIGRATION_TABLENAME, dataSource, platform.driverType());
        migrator.createMigrationTableIfRequired();
        migrator.addTasks(
                new HapiFhirJpaMigrationTasks(Set.of("database-partition-mode")).getAllTasks(VersionEnum.values()));
        migrator.migrate();

        Flyway.configure()
                .dataSource(dataSource)
                .table("rehab_schema_history")
                .locations("classpath:db/rehab")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }
}
