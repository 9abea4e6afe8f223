package org.rehab.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.interceptor.api.IInterceptorBroadcaster;
import ca.uhn.fhir.jpa.validation.ValidatorPolicyAdvisor;
import ca.uhn.fhir.jpa.validation.ValidatorResourceFetcher;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r5.utils.validation.constants.BestPracticeWarningLevel;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One validator for every write: HAPI's instance validator over the server's validation support (the base
 * specification, the profiles in {@code fhir-profiles/}, implementation guide packages and those stored; asked only
 * what can name a definition), resolving references as HAPI's JPA server does. Best-practice recommendations are not checked: they are advice, not errors in the data.
 */
@Configuration
class ValidationConfig {

    @Bean
    ProfileValidatingInterceptor profileValidatingInterceptor(
            FhirContext fhirContext,
            IValidationSupport validationSupport,
            ValidatorResourceFetcher resourceFetcher,
            ValidatorPolicyAdvisor policyAdvisor,
            IInterceptorBroadcaster broadcaster) {
        FhirInstanceValidator validator = new FhirInstanceValidator(new DefinitionLookups(validationSupport));
        validator.setValidatorResourceFetcher(resourceFetcher);
        validator.setValidatorPolicyAdvisor(policyAdvisor);
        validator.setBestPracticeWarningLevel(BestPracticeWarningLevel.Ignore);
        return new ProfileValidatingInterceptor(fhirContext, validator, broadcaster);
    }
}
