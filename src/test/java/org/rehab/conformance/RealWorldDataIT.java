package org.rehab.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.FhirServerIT;

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

    @Test
    void unknownProfileDoesNotExcuseABaseSpecificationError() {
        String noStatus = "{\"resourceType\":\"Observation\",\"meta\":{\"profile\":[\"http://hl7.org/fhir/us/core/"
                + "StructureDefinition/us-core-vital-signs\"]},\"code\":{\"text\":\"weight\"}}";

        HttpResponse<String> refused = post("/fhir/north/Observation", noStatus);

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
