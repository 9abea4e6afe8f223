package org.rehab.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.FhirServerIT;
import org.rehab.testsupport.TestImplementationGuide;

/**
 * Data as US hospitals' EHRs and Synthea send it: profiles of implementation guides the server does not have and
 * their extensions are accepted (the base specification and the server's own profiles still apply); an unknown
 * modifierExtension, which changes the meaning of its element, is refused.
 */
class RealWorldDataIT extends FhirServerIT {

    private static final String US_CORE_PATIENT = "{\"resourceType\":\"Patient\",\"id\":\"%s\",\"meta\":{\"profile\":["
            + "\"http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient\"]},\"extension\":[{\"url\":"
            + "\"http://hl7.org/fhir/us/core/StructureDefinition/us-core-race\",\"extension\":[{\"url\":\"ombCategory\","
            + "\"valueCoding\":{\"system\":\"urn:oid:2.16.840.1.113883.6.238\",\"code\":\"2106-3\",\"display\":"
            + "\"White\"}},{\"url\":\"text\",\"valueString\":\"White\"}]},{\"url\":"
            + "\"http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex\",\"valueCode\":\"F\"},{\"url\":"
            + "\"http://synthetichealth.github.io/synthea/disability-adjusted-life-years\",\"valueDecimal\":0.5}],"
            + "\"name\":[{\"use\":\"official\",\"family\":\"Doe\",\"given\":[\"Jane\"]}],\"gender\":\"female\","
            + "\"birthDate\":\"1950-01-01\"}";

    @Test
    void usCorePatientWithProfilesAndExtensionsTheServerDoesNotHaveIsStored() {
        HttpResponse<String> stored = put("/fhir/north/Patient/us-core-1", US_CORE_PATIENT.formatted("us-core-1"));

        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
        assertThat(http(request("/fhir/north/Patient/us-core-1")).body()).contains("us-core-race");
    }

    private static final String NO_STATUS = "{\"resourceType\":\"Observation\",\"meta\":{\"profile\":[\"http://hl7.org/"
            + "fhir/us/core/StructureDefinition/us-core-vital-signs\"]},\"code\":{\"text\":\"weight\"}}";

    @Test
    void unknownProfileDoesNotExcuseABaseSpecificationError() {
        HttpResponse<String> refused = post("/fhir/north/Observation", NO_STATUS);

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(refused.body()).contains("Observation.status");
    }

    @Test
    void unknownModifierExtensionIsRefused() {
        String negated = "{\"resourceType\":\"Observation\",\"status\":\"final\",\"modifierExtension\":[{\"url\":"
                + "\"http://example.org/fhir/StructureDefinition/not-really\",\"valueBoolean\":true}],\"code\":"
                + "{\"text\":\"weight\"}}";

        HttpResponse<String> refused = post("/fhir/north/Observation", negated);

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(refused.body())
                .contains("Unknown modifierExtension http://example.org/fhir/StructureDefinition/not-really");
    }

    @Test
    void batchAnswersEachEntrysOwnOutcome() {
        String batch = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
                + entry(US_CORE_PATIENT.formatted("batch-valid"), "PUT", "Patient/batch-valid") + ","
                + entry(NO_STATUS, "POST", "Observation") + "]}";

        HttpResponse<String> response = post("/fhir/north", batch);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Bundle answer = FHIR.newJsonParser().parseResource(Bundle.class, response.body());
        assertThat(answer.getEntry().get(0).getResponse().getStatus()).startsWith("201");
        assertThat(answer.getEntry().get(1).getResponse().getStatus()).startsWith("422");
        assertThat(FHIR.newJsonParser()
                        .encodeResourceToString(
                                answer.getEntry().get(1).getResponse().getOutcome()))
                .contains("Observation.status");
    }

    @Test
    void transactionWithOneInvalidEntryStoresNothing() {
        String transaction = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                + entry(US_CORE_PATIENT.formatted("transaction-valid"), "PUT", "Patient/transaction-valid") + ","
                + entry(NO_STATUS, "POST", "Observation") + "]}";

        HttpResponse<String> refused = post("/fhir/north", transaction);

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(refused.body()).contains("Observation.status");
        assertThat(http(request("/fhir/north/Patient/transaction-valid")).statusCode())
                .isEqualTo(404);
    }

    @Test
    void profileOfAnImplementationGuidePackageIsEnforced() {
        String claiming = "{\"resourceType\":\"Patient\",\"meta\":{\"profile\":[\""
                + TestImplementationGuide.PATIENT_PROFILE + "\"]},\"gender\":\"female\"%s}";

        HttpResponse<String> refused = post("/fhir/north/Patient", claiming.formatted(""));
        HttpResponse<String> stored = post(
                "/fhir/north/Patient",
                claiming.formatted(",\"identifier\":[{\"system\":\"urn:mrn\",\"value\":\"1\"}],"
                        + "\"birthDate\":\"1960-02-03\""));

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(refused.body()).contains("Patient.identifier").contains("Patient.birthDate");
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
    }

    @Test
    void unknownModifierExtensionIsRefusedInATransactionAndOnADosage() {
        String negated = "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"weight\"},"
                + "\"modifierExtension\":[{\"url\":\"http://evil.example/negated\",\"valueBoolean\":true}]}";
        String onDosage = "{\"resourceType\":\"MedicationStatement\",\"status\":\"active\",\"subject\":{\"display\":"
                + "\"x\"},\"medicationCodeableConcept\":{\"text\":\"x\"},\"dosage\":[{\"text\":\"daily\","
                + "\"modifierExtension\":[{\"url\":\"http://evil.example/never\",\"valueBoolean\":true}]}]}";

        HttpResponse<String> transaction = post(
                "/fhir/north",
                "{\"resourceType\":\"Bundle\",\"type\":\"transaction\"," + "\"entry\":["
                        + entry(negated, "POST", "Observation") + "]}");
        HttpResponse<String> dosage = post("/fhir/north/MedicationStatement", onDosage);

        assertThat(transaction.statusCode()).as(transaction.body()).isEqualTo(422);
        assertThat(transaction.body()).contains("Unknown modifierExtension http://evil.example/negated");
        assertThat(dosage.statusCode()).as(dosage.body()).isEqualTo(422);
        assertThat(dosage.body()).contains("Unknown modifierExtension http://evil.example/never");
    }

    @Test
    void updateInATransactionIsValidatedAsItIsStored() {
        String id = "rewritten-" + Long.toHexString(System.nanoTime());
        String plain = "{\"resourceType\":\"Observation\",\"id\":\"" + id + "\",\"status\":\"final\",\"code\":"
                + "{\"text\":\"w\"}}";
        String observation =
                plain.substring(0, plain.length() - 1) + ",\"extension\":[{\"url\":\"http://example.org/e\","
                        + "\"valueUuid\":\"urn:uuid:0b6c1e7a-3f2d-4c1e-9a5b-111111111111\"}]}";
        assertThat(put("/fhir/north/Observation/" + id, plain).statusCode()).isEqualTo(201);
        String transaction = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"fullUrl\":"
                + "\"urn:uuid:0b6c1e7a-3f2d-4c1e-9a5b-111111111111\",\"resource\":{\"resourceType\":\"Basic\",\"code\":"
                + "{\"text\":\"x\"}},\"request\":{\"method\":\"POST\",\"url\":\"Basic\"}},"
                + entry(observation, "PUT", "Observation/" + id) + "]}";

        HttpResponse<String> response = post("/fhir/north", transaction);

        // HAPI rewrites the uuid to the Basic's new id (Basic/…), which is no uuid: stored alone, it is refused.
        assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    }

    private static String entry(String resource, String method, String url) {
        return "{\"resource\":" + resource + ",\"request\":{\"method\":\"" + method + "\",\"url\":\"" + url + "\"}}";
    }

    private HttpResponse<String> put(String path, String body) {
        return http(request(path)
                .header("Content-Type", "application/fhir+json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> post(String path, String body) {
        return http(request(path)
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }
}
