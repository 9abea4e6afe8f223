package org.rehab.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.SecuredServerIT;

/**
 * Finding 6: a conditional create matches within the hospital's own tenant only: another hospital holding the same
 * identifier neither blocks it nor is revealed by it.
 */
class ConditionalCreateAttackIT extends SecuredServerIT {

    private static final String SSN = "urn:oid:2.16.840.1.113883.4.1|123-45-6789";
    private static final String PATIENT = "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":"
            + "\"urn:oid:2.16.840.1.113883.4.1\",\"value\":\"123-45-6789\"}]}";

    @Test
    void conditionalCreateInOneHospitalNeitherBlocksNorRevealsAnothers() {
        HttpResponse<String> north = create("north", northEhr("system/*.cruds"));
        HttpResponse<String> south = create("south", southEhr("system/*.cruds"));
        HttpResponse<String> southAgain = create("south", southEhr("system/*.cruds"));

        assertThat(north.statusCode()).as(north.body()).isEqualTo(201);
        assertThat(south.statusCode()).as(south.body()).isEqualTo(201);
        assertThat(southAgain.statusCode()).as("the match in south itself").isEqualTo(200);
    }

    private HttpResponse<String> create(String tenant, String token) {
        return exchange(request("/fhir/" + tenant + "/Patient")
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/fhir+json")
                .header("Content-Type", "application/fhir+json")
                .header("If-None-Exist", "identifier=" + SSN)
                .POST(HttpRequest.BodyPublishers.ofString(PATIENT)));
    }
}
