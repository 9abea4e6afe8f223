package org.rehab.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.SecuredServerIT;

/**
 * Finding 10: where alerts carrying patient data are sent (Endpoint) is decided by a hospital's administrators
 * only, and every change is in the audit trail.
 */
class EndpointRedirectAttackIT extends SecuredServerIT {

    private static final String ENDPOINT = "{\"resourceType\":\"Endpoint\",\"id\":\"%s\",\"status\":\"active\","
            + "\"connectionType\":{\"system\":\"http://terminology.hl7.org/CodeSystem/endpoint-connection-type\","
            + "\"code\":\"hl7v2-mllp\"},\"payloadType\":[{\"text\":\"HL7 v2\"}],\"address\":\"mllp://%s:2575\"}";

    @BeforeEach
    void patients() {
        hospitalsWithPatients();
    }

    @Test
    void therapistsAndEhrsCannotRedirectAlerts() {
        String therapist = tokens.userToken("north-therapist", "openid user/*.cruds");

        assertRefused(
                send("PUT", "/fhir/north/Endpoint/evil-1", therapist, ENDPOINT.formatted("evil-1", "attacker.example")),
                403,
                "administrators");
        assertRefused(
                send(
                        "POST",
                        "/fhir/north/Endpoint",
                        northEhr("system/*.cruds"),
                        ENDPOINT.formatted("evil-2", "attacker.example").replace("\"id\":\"evil-2\",", "")),
                403,
                "administrators");
    }

    @Test
    void administratorsChangeEndpointsAndTheChangeIsAudited() throws InterruptedException {
        String admin = tokens.userToken("north-admin", "openid user/*.cruds");

        require(send("PUT", "/fhir/north/Endpoint/engine-a", admin, ENDPOINT.formatted("engine-a", "127.0.0.1")), 201);
        require(send("DELETE", "/fhir/north/Endpoint/engine-a", admin, null), 200);

        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        HttpResponse<String> trail;
        do {
            Thread.sleep(200);
            trail = get("/fhir/north/AuditEvent?action=D&_count=500", admin);
        } while (!trail.body().contains("Endpoint/engine-a") && Instant.now().isBefore(deadline));
        assertThat(trail.body()).contains("Endpoint/engine-a");
    }
}
