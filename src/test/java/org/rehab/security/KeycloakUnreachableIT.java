package org.rehab.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.rehab.RehabServerApplication;
import org.rehab.testsupport.KeycloakTestServer;
import org.rehab.testsupport.SecuredServerIT;
import org.rehab.testsupport.SmartTokens;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * When the server cannot reach Keycloak's keys (Keycloak down, network cut) it cannot tell a good token from a bad
 * one: it answers 503 with Retry-After, does nothing, and does not tell the client its token is invalid.
 */
class KeycloakUnreachableIT {

    @Test
    void answersServiceUnavailableWhenTheRealmsKeysAreOutOfReach() throws Exception {
        KeycloakTestServer keycloak = KeycloakTestServer.get();
        String token = new SmartTokens(keycloak)
                .privateKeyJwtTokenResponse("north-ehr", SecuredServerIT.NORTH_EHR_KEY, "system/*.cruds")
                .get("access_token")
                .asText();
        Path database = Path.of("target", "it-keycloak-unreachable", Long.toHexString(System.nanoTime()), "rehab")
                .toAbsolutePath();
        try (ConfigurableApplicationContext server = new SpringApplicationBuilder(RehabServerApplication.class)
                .run(
                        "--server.port=0",
                        "--spring.datasource.url=jdbc:h2:file:" + database,
                        "--rehab.security.issuer=" + keycloak.issuer(),
                        // Nothing listens on port 9 of loopback: the keys cannot be fetched.
                        "--rehab.security.jwk-set-uri=http://127.0.0.1:9/realms/rehab/protocol/openid-connect/certs",
                        "--rehab.hl7.delivery-enabled=false")) {
            int port = ((WebServerApplicationContext) server).getWebServer().getPort();
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir/north/Patient/1"))
                                    .header("Authorization", "Bearer " + token)
                                    .PUT(HttpRequest.BodyPublishers.ofString(
                                            "{\"resourceType\":\"Patient\",\"id\":\"1\"}"))
                                    .header("Content-Type", "application/fhir+json")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
            assertThat(response.body()).contains("OperationOutcome").contains("try again");
        }
    }
}
