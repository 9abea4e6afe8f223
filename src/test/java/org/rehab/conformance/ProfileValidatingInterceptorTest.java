package org.rehab.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.executor.InterceptorService;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.validation.IValidatorModule;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

class ProfileValidatingInterceptorTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    /** The resource types of what reached the validator, a bundle's entries one by one. */
    private final List<String> validated = new ArrayList<>();

    private final IValidatorModule recording = context -> {
        if (context.getResource() instanceof Bundle bundle) {
            bundle.getEntry().forEach(entry -> validated.add(entry.getResource().fhirType()));
        } else {
            validated.add(context.getResource().fhirType());
        }
    };

    private final ProfileValidatingInterceptor interceptor =
            new ProfileValidatingInterceptor(FHIR, recording, new InterceptorService());

    @Test
    void theAuditTrailsBatchesAreNotValidated() {
        interceptor.validateBundle(transaction(new AuditEvent(), new AuditEvent()), new SystemRequestDetails());

        assertThat(validated).isEmpty();
    }

    @Test
    void aBundlesClinicalEntriesAreValidatedAndItsAuditEventsAreNot() {
        interceptor.validateBundle(transaction(new Patient(), new AuditEvent()), new SystemRequestDetails());

        assertThat(validated).containsExactly("Patient");
    }

    @Test
    void anAuditEventStoredOnItsOwnIsNotValidated() {
        interceptor.create(new SystemRequestDetails(), new AuditEvent());
        interceptor.create(new SystemRequestDetails(), new Patient());

        assertThat(validated).containsExactly("Patient");
    }

    private static Bundle transaction(Resource... resources) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (Resource resource : resources) {
            bundle.addEntry()
                    .setResource(resource)
                    .getRequest()
                    .setMethod(Bundle.HTTPVerb.POST)
                    .setUrl(resource.fhirType());
        }
        return bundle;
    }
}
