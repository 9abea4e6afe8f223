package org.rehab.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.interceptor.validation.RepositoryValidatingRuleBuilder;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Every write of every resource type is validated against the base specification and its declared profiles,
 * except StructureDefinitions: validating a profile itself needs the FHIR core package from the internet, which a
 * hospital network may not reach; a profile is checked when resources are validated against it.
 */
@Configuration
class ValidationConfig {

    @Bean
    ProfileValidatingInterceptor profileValidatingInterceptor(
            FhirContext fhirContext, ObjectProvider<RepositoryValidatingRuleBuilder> ruleBuilders) {
        RepositoryValidatingRuleBuilder builder = ruleBuilders.getObject();
        for (String type : fhirContext.getResourceTypes()) {
            // AuditEvents are written by the server alone (HAPI's Basic Audit Log Patterns, whose IHE code systems
            // are not loaded here); REST writes of them are refused by the authorization rules.
            if (type.equals("StructureDefinition") || type.equals("AuditEvent")) {
                continue;
            }
            builder.forResourcesOfType(type)
                    .requireValidationToDeclaredProfiles()
                    .withBestPracticeWarningLevel("Ignore")
                    .rejectOnSeverity(ResultSeverityEnum.ERROR);
        }
        return new ProfileValidatingInterceptor(fhirContext, builder.build());
    }
}
