package org.rehab.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.SecuredServerIT;

/**
 * Finding 12: links and locations the server writes use its configured public base URL, never the Host header a
 * client sent, so a forged Host cannot plant another site in a response a cache or a client follows.
 */
class HostHeaderAttackIT extends SecuredServerIT {

    private String ehr;

    @BeforeEach
    void signIn() {
        hospitalsWithPatients();
        ehr = northEhr("system/*.cruds");
    }

    @Test
    void forgedHostHeaderIsNotReflectedInLinksOrLocations() {
        String search = raw("GET /fhir/north/Patient?_count=1 HTTP/1.1\r\nHost: evil.example\r\nAuthorization: Bearer "
                + ehr + "\r\nAccept: application/fhir+json\r\nConnection: close\r\n\r\n");
        String body = "{\"resourceType\":\"Patient\",\"gender\":\"female\"}";
        String created = raw("POST /fhir/north/Patient HTTP/1.1\r\nHost: evil.example\r\nAuthorization: Bearer " + ehr
                + "\r\nContent-Type: application/fhir+json\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body);

        assertThat(statusOf(search)).isEqualTo(200);
        assertThat(statusOf(created)).isEqualTo(201);
        assertThat(search).doesNotContain("evil.example").contains("http://localhost:" + port + "/fhir/north");
        assertThat(created)
                .doesNotContain("evil.example")
                .contains("Location: http://localhost:" + port + "/fhir/north/Patient/");
    }
}
