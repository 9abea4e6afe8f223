package org.rehab.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.Date;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.FhirServerIT;

/** ServiceRequests written as recommendations are held to the project's profile, whoever writes them. */
class RecommendationProfileIT extends FhirServerIT {

    private static final String PROFILE = "http://rehab.example.org/fhir/StructureDefinition/rehab-recommendation";
    private static final String PHYSICAL_THERAPY = "http://rehab.example.org/fhir/ActivityDefinition/physical-therapy";

    private String patientId;

    @BeforeEach
    void patientWithChronicPain() {
        patientId = uniqueId("prof");
        client("north").update().resource(new Patient().setId(patientId)).execute();
        Condition pain = new Condition();
        pain.setId(patientId + "-pain");
        pain.setCode(new CodeableConcept(new Coding("http://snomed.info/sct", "82423001", "Chronic pain")));
        pain.setSubject(new Reference("Patient/" + patientId));
        client("north").update().resource(pain).execute();
        client("north")
                .update()
                .resource(new Device().setId("profile-test-rule-engine"))
                .execute();
    }

    @Test
    void conformingRecommendationIsStoredWithItsProfile() {
        ServiceRequest stored = (ServiceRequest)
                client("north").create().resource(recommendation()).execute().getResource();

        assertThat(stored.getMeta().hasProfile(PROFILE)).isTrue();
    }

    @Test
    void recommendationWithAnOrderIntentIsRejectedNamingTheElement() {
        ServiceRequest request = recommendation().setIntent(ServiceRequest.ServiceRequestIntent.ORDER);

        assertThatThrownBy(() -> client("north").create().resource(request).execute())
                .isInstanceOfSatisfying(UnprocessableEntityException.class, e -> assertThat(diagnostics(e))
                        .contains("ServiceRequest.intent"));
    }

    @Test
    void recommendationWithoutRequesterOrEvidenceIsRejected() {
        ServiceRequest request = recommendation().setRequester(null);
        request.getReasonReference().clear();

        assertThatThrownBy(() -> client("north").create().resource(request).execute())
                .isInstanceOfSatisfying(UnprocessableEntityException.class, e -> assertThat(diagnostics(e))
                        .contains("ServiceRequest.requester")
                        .contains("rehab-1"));
    }

    @Test
    void resourceClaimingTheProfileIsHeldToIt() {
        ServiceRequest request = new ServiceRequest()
                .setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE)
                .setIntent(ServiceRequest.ServiceRequestIntent.ORDER)
                .setSubject(new Reference("Patient/" + patientId));
        request.getMeta().addProfile(PROFILE);

        assertThatThrownBy(() -> client("north").create().resource(request).execute())
                .isInstanceOfSatisfying(UnprocessableEntityException.class, e -> assertThat(diagnostics(e))
                        .contains("ServiceRequest.code"));
    }

    @Test
    void ordinaryServiceRequestsAreNotHeldToTheRecommendationProfile() {
        ServiceRequest order = new ServiceRequest()
                .setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE)
                .setIntent(ServiceRequest.ServiceRequestIntent.ORDER)
                .setSubject(new Reference("Patient/" + patientId));

        ServiceRequest stored = (ServiceRequest)
                client("north").create().resource(order).execute().getResource();

        assertThat(stored.getMeta().hasProfile(PROFILE)).isFalse();
    }

    private ServiceRequest recommendation() {
        ServiceRequest request = new ServiceRequest();
        request.addIdentifier()
                .setSystem("http://rehab.example.org/fhir/sid/recommendation")
                .setValue(patientId);
        request.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
        request.setIntent(ServiceRequest.ServiceRequestIntent.PROPOSAL);
        request.addInstantiatesCanonical(PHYSICAL_THERAPY);
        request.setCode(
                new CodeableConcept(new Coding("http://snomed.info/sct", "91251008", "Physical therapy procedure")));
        request.setSubject(new Reference("Patient/" + patientId));
        request.setAuthoredOn(new Date());
        request.setRequester(new Reference("Device/profile-test-rule-engine"));
        request.addReasonReference(new Reference("Condition/" + patientId + "-pain"));
        return request;
    }

    private static String diagnostics(UnprocessableEntityException e) {
        OperationOutcome outcome = (OperationOutcome) e.getOperationOutcome();
        StringBuilder all = new StringBuilder();
        outcome.getIssue().forEach(issue -> all.append(issue.getDiagnostics()).append('\n'));
        return all.toString();
    }
}
