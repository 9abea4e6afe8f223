package org.rehab.config;

import ca.uhn.fhir.batch2.api.IJobPersistence;
import ca.uhn.fhir.batch2.jobs.export.BulkDataExportProvider;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.partition.IPartitionLookupSvc;
import ca.uhn.fhir.jpa.partition.PartitionManagementProvider;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.JpaSystemProvider;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.interceptor.ResponseHighlighterInterceptor;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.tenant.UrlBaseTenantIdentificationStrategy;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import ca.uhn.fhir.storage.interceptor.balp.BalpAuditCaptureInterceptor;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Set;
import org.rehab.audit.AccessAudit;
import org.rehab.bulkexport.ExportFilesInterceptor;
import org.rehab.bulkexport.ExportPartitionInterceptor;
import org.rehab.bulkexport.ExportRequesterInterceptor;
import org.rehab.bulkexport.ExportStatusInterceptor;
import org.rehab.conformance.ProfileValidatingInterceptor;
import org.rehab.conformance.StorableValuesInterceptor;
import org.rehab.conformance.ValidationPolicyInterceptor;
import org.rehab.hl7.ResendOperationProvider;
import org.rehab.observability.RequestLogInterceptor;
import org.rehab.observability.RequestMetricsInterceptor;
import org.rehab.population.PopulationEvaluationProvider;
import org.rehab.recommendation.ClinicalCriteriaOperationProvider;
import org.rehab.recommendation.EvaluateOperationProvider;
import org.rehab.recommendation.RecommendationLifecycleInterceptor;
import org.rehab.recommendation.RecommendationProfileInterceptor;
import org.rehab.recommendation.RecordRevisionInterceptor;
import org.rehab.recommendation.RulesOperationProvider;
import org.rehab.security.AdministeredResourcesInterceptor;
import org.rehab.security.Callers;
import org.rehab.security.CapabilityStatementSecurityInterceptor;
import org.rehab.security.CompartmentResultsInterceptor;
import org.rehab.security.PatientSearchNarrowingInterceptor;
import org.rehab.security.ScopeLettersInterceptor;
import org.rehab.security.SecuritySettings;
import org.rehab.security.SmartAuthorizationInterceptor;
import org.rehab.subscription.NotificationRecorder;
import org.rehab.subscription.SubscriptionRules;
import org.rehab.tenant.FixedTenantNamesInterceptor;
import org.rehab.tenant.RegisteredTenants;
import org.rehab.tenant.TenantBoundPagingProvider;
import org.rehab.tenant.TenantOpenApiInterceptor;
import org.rehab.tenant.TenantPartitionInterceptor;
import org.rehab.tenant.UnknownTenantInterceptor;
import org.rehab.web.IfMatchInterceptor;
import org.rehab.web.InternalFailureInterceptor;
import org.rehab.web.JsonNumberRangeInterceptor;
import org.rehab.web.RequestSizeLimitFilter;
import org.rehab.web.SearchLimitsInterceptor;
import org.rehab.web.UnsupportedContentTypeInterceptor;
import org.rehab.web.XmlPatchBodyInterceptor;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The FHIR REST server at {@code /fhir/{tenant}}: every provider and interceptor, in the order they act. Storage
 * interceptors sit on HAPI's JPA interceptor service so that they also see reads and writes made inside the
 * server; REST interceptors sit on the RestfulServer.
 */
@Configuration
class FhirServerConfig {

    static final String FHIR_PATH = "/fhir/*";

    @Bean
    ServletRegistrationBean<RestfulServer> fhirServlet(RestfulServer server) {
        ServletRegistrationBean<RestfulServer> registration = new ServletRegistrationBean<>(server, FHIR_PATH);
        registration.setName("fhir");
        registration.setLoadOnStartup(1);
        return registration;
    }

    @Bean
    FilterRegistrationBean<RequestSizeLimitFilter> requestSizeLimit(FhirServerSettings settings) {
        var registration = new FilterRegistrationBean<>(
                new RequestSizeLimitFilter(settings.maxRequestSize().toBytes()));
        registration.addUrlPatterns(FHIR_PATH, "/cds/*");
        return registration;
    }

    /**
     * Sends "100 Continue" only when the server reads the body, so that a client announcing a body over the size
     * limit gets its 413 without uploading it.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> continueOnlyWhenReading() {
        return factory ->
                factory.addConnectorCustomizers(connector -> connector.setProperty("continueResponseTiming", "onRead"));
    }

    /** HAPI's paging, with each search's pages bound to the tenant and caller that made the search. */
    @Bean
    @Primary
    TenantBoundPagingProvider tenantBoundPagingProvider(JdbcTemplate jdbc, Clock clock) {
        return new TenantBoundPagingProvider(jdbc, clock, Callers::currentIdentity);
    }

    @Bean
    RestfulServer restfulServer(
            FhirContext fhirContext,
            IInterceptorService storageInterceptors,
            ResourceProviderFactory resourceProviders,
            JpaSystemProvider<?, ?> systemProvider,
            PartitionManagementProvider partitionManagementProvider,
            IFhirSystemDao<?, ?> systemDao,
            JpaStorageSettings storageSettings,
            ISearchParamRegistry searchParamRegistry,
            IValidationSupport validationSupport,
            TenantBoundPagingProvider pagingProvider,
            IPartitionLookupSvc partitions,
            RegisteredTenants tenants,
            FhirServerSettings settings,
            ProfileValidatingInterceptor profileValidation,
            RecommendationLifecycleInterceptor recommendationLifecycle,
            RecordRevisionInterceptor recordRevisions,
            SubscriptionRules subscriptionRules,
            NotificationRecorder notifications,
            EvaluateOperationProvider evaluateOperation,
            PopulationEvaluationProvider populationEvaluation,
            RulesOperationProvider rulesOperations,
            ClinicalCriteriaOperationProvider criteriaOperation,
            ResendOperationProvider resendOperation,
            BulkDataExportProvider bulkExport,
            IJobPersistence jobs,
            MatchUrlService matchUrls,
            PartitionSettings partitionSettings,
            SecuritySettings securitySettings,
            BalpAuditCaptureInterceptor auditCapture,
            AccessAudit accessAudit,
            MeterRegistry meterRegistry) {
        Set<String> resourceTypes = fhirContext.getResourceTypes();

        // Storage: every read and write, from REST or from inside the server.
        storageInterceptors.registerInterceptor(new StorableValuesInterceptor(fhirContext));
        storageInterceptors.registerInterceptor(new SearchLimitsInterceptor(
                settings.maxSearchParameters(), settings.maxOrValues(), fhirContext, matchUrls));
        storageInterceptors.registerInterceptor(new TenantPartitionInterceptor(partitionSettings));
        storageInterceptors.registerInterceptor(new RecommendationProfileInterceptor());
        storageInterceptors.registerInterceptor(new ValidationPolicyInterceptor(fhirContext, validationSupport));
        storageInterceptors.registerInterceptor(profileValidation);
        storageInterceptors.registerInterceptor(recommendationLifecycle);
        storageInterceptors.registerInterceptor(recordRevisions);
        storageInterceptors.registerInterceptor(subscriptionRules);
        storageInterceptors.registerInterceptor(notifications);
        storageInterceptors.registerInterceptor(new ExportPartitionInterceptor());

        RestfulServer server = new RestfulServer(fhirContext);
        server.setServerName("Rehab FHIR server");
        server.setImplementationDescription("FHIR R4 server for hospital rehabilitation programmes");
        server.setTenantIdentificationStrategy(new UrlBaseTenantIdentificationStrategy());
        server.setServerAddressStrategy(new PublicBaseAddress(settings.publicBaseUrl()));
        // A client that asks for no FHIR format (Accept: */*, or application/fhir+ndjson for an export's file)
        // gets JSON, refusals included.
        server.setDefaultResponseEncoding(EncodingEnum.JSON);
        server.registerProviders(resourceProviders.createProviders());
        server.registerProvider(systemProvider);
        server.registerProvider(partitionManagementProvider);
        server.registerProvider(evaluateOperation);
        server.registerProvider(populationEvaluation);
        server.registerProvider(rulesOperations);
        server.registerProvider(criteriaOperation);
        server.registerProvider(resendOperation);
        server.registerProvider(bulkExport);
        var capabilityStatement = new JpaCapabilityStatementProvider(
                server, systemDao, storageSettings, searchParamRegistry, validationSupport);
        capabilityStatement.setImplementationDescription("FHIR R4 server for hospital rehabilitation programmes");
        server.setServerConformanceProvider(capabilityStatement);
        server.setPagingProvider(pagingProvider);

        // REST: in the order they see a request.
        server.registerInterceptor(new InternalFailureInterceptor(settings.queryTimeout()));
        server.registerInterceptor(new RequestLogInterceptor(resourceTypes));
        server.registerInterceptor(new RequestMetricsInterceptor(meterRegistry, resourceTypes));
        server.registerInterceptor(new TenantOpenApiInterceptor(partitions));
        server.registerInterceptor(new UnknownTenantInterceptor(tenants));
        server.registerInterceptor(new UnsupportedContentTypeInterceptor());
        server.registerInterceptor(new JsonNumberRangeInterceptor());
        server.registerInterceptor(new XmlPatchBodyInterceptor());
        server.registerInterceptor(new IfMatchInterceptor());
        if (securitySettings.enabled()) {
            server.registerInterceptor(new CapabilityStatementSecurityInterceptor(securitySettings));
            server.registerInterceptor(new PatientSearchNarrowingInterceptor());
            server.registerInterceptor(new ScopeLettersInterceptor());
            server.registerInterceptor(new AdministeredResourcesInterceptor());
            server.registerInterceptor(new CompartmentResultsInterceptor(fhirContext));
            server.registerInterceptor(new SmartAuthorizationInterceptor());
        }
        server.registerInterceptor(new ExportRequesterInterceptor());
        server.registerInterceptor(new ExportStatusInterceptor(jobs));
        server.registerInterceptor(new ExportFilesInterceptor(fhirContext));
        server.registerInterceptor(new FixedTenantNamesInterceptor(fhirContext, partitions));
        server.registerInterceptor(auditCapture);
        server.registerInterceptor(accessAudit);
        server.registerInterceptor(new ResponseHighlighterInterceptor());
        return server;
    }
}
