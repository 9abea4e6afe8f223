package org.rehab.config;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.batch2.maintenance.JobMaintenanceServiceImpl;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.api.model.HistoryCountModeEnum;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.parser.StrictErrorHandler;
import jakarta.persistence.EntityManagerFactory;
import java.time.Duration;
import java.util.Properties;
import javax.sql.DataSource;
import org.rehab.database.DatabasePlatform;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/** HAPI FHIR JPA storage: the R4 DAOs on the configured database, with one partition per hospital. */
@Configuration
@Import({
    JpaR4Config.class,
    HapiJpaConfig.class,
    JpaBatch2Config.class,
    Batch2JobsConfig.class,
    ThreadPoolFactoryConfig.class,
    SubscriptionChannelConfig.class
})
class FhirStorageConfig {

    private static final Duration BATCH_MAINTENANCE_INTERVAL = Duration.ofSeconds(1);

    @Bean
    JpaStorageSettings storageSettings() {
        JpaStorageSettings settings = new JpaStorageSettings();
        // Hospitals' master patient indexes assign ids, numeric ones included; the server's own ids are
        // UUIDs so that they can never collide with a client's.
        settings.setResourceClientIdStrategy(JpaStorageSettings.ClientIdStrategyEnum.ANY);
        settings.setResourceServerIdStrategy(JpaStorageSettings.IdStrategyEnum.UUID);
        // A search or a history read right after a write must see the write.
        settings.setReuseCachedSearchResultsForMillis(null);
        settings.setHistoryCountMode(HistoryCountModeEnum.COUNT_ACCURATE);
        settings.setEnforceReferentialIntegrityOnDelete(true);
        settings.setEnforceReferentialIntegrityOnWrite(true);
        // Each Bulk Data export is its requester's own: never answered with another client's identical export.
        settings.setEnableBulkExportJobReuse(false);
        return settings;
    }

    /**
     * Batch jobs (Bulk Data export, population evaluation) move from one step to the next at HAPI's maintenance pass:
     * each second rather than each minute (HAPI's default), so that an export of four steps is ready in seconds, not
     * minutes. A pass with no job running is one query.
     */
    @Bean
    static BeanPostProcessor batchStepsEachSecond() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (bean instanceof JobMaintenanceServiceImpl maintenance) {
                    maintenance.setScheduledJobFrequencyMillis(BATCH_MAINTENANCE_INTERVAL.toMillis());
                }
                return bean;
            }
        };
    }

    /**
     * HAPI's FhirContext parses strictly: unknown elements and invalid primitive values are client errors (400),
     * never silently dropped. Parsers that must be lenient (CDS Hooks prefetch, packages) say so themselves.
     */
    @Bean
    static BeanPostProcessor strictParsing() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (bean instanceof FhirContext fhirContext) {
                    fhirContext.setParserErrorHandler(new StrictErrorHandler());
                }
                return bean;
            }
        };
    }

    @Bean
    PartitionSettings partitionSettings() {
        PartitionSettings settings = new PartitionSettings();
        settings.setPartitioningEnabled(true);
        settings.setDatabasePartitionMode(true);
        settings.setDefaultPartitionId(0);
        settings.setIncludePartitionInSearchHashes(false);
        // Conditional creates match within the hospital's own tenant: another's identifiers neither block nor show.
        settings.setConditionalCreateDuplicateIdentifiersEnabled(true);
        settings.setAllowReferencesAcrossPartitions(PartitionSettings.CrossPartitionReferenceMode.NOT_ALLOWED);
        return settings;
    }

    @Bean
    SubscriptionSettings subscriptionSettings() {
        return new SubscriptionSettings();
    }

    /** The database this server runs on, from its JDBC URL. */
    @Bean
    DatabasePlatform databasePlatform(DataSourceProperties dataSource) {
        return DatabasePlatform.fromJdbcUrl(dataSource.determineUrl());
    }

    @Bean
    @Primary
    LocalContainerEntityManagerFactoryBean entityManagerFactory(
            DataSource dataSource,
            DatabasePlatform platform,
            ConfigurableListableBeanFactory beanFactory,
            FhirContext fhirContext,
            JpaStorageSettings storageSettings) {
        SchemaMigration.migrate(dataSource, platform);

        LocalContainerEntityManagerFactoryBean factory =
                HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, fhirContext, storageSettings);
        factory.setPersistenceUnitName("HAPI_PU");
        factory.setDataSource(dataSource);
        factory.setJpaProperties(hibernateProperties(platform));
        return factory;
    }

    @Bean
    @Primary
    JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
        return new JpaTransactionManager(entityManagerFactory);
    }

    private static Properties hibernateProperties(DatabasePlatform platform) {
        Properties properties = new Properties();
        properties.put("hibernate.dialect", platform.hibernateDialect());
        properties.put("hibernate.hbm2ddl.auto", "none");
        properties.put("hibernate.search.enabled", "false");
        properties.put("hibernate.jdbc.batch_size", "50");
        properties.put("hibernate.order_inserts", "true");
        properties.put("hibernate.order_updates", "true");
        properties.put("hibernate.cache.use_second_level_cache", "false");
        properties.put("hibernate.cache.use_query_cache", "false");
        return properties;
    }
}
