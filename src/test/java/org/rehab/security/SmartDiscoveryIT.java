package org.rehab.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.SecuredServerIT;

/** SMART discovery, the capability statement's security section and CORS, without a token. */
class SmartDiscoveryIT extends SecuredServerIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void discoveryDocumentListsTheSmartFieldsAsJsonWhateverTheAcceptHeader() throws Exception {
        HttpResponse<String> response =
                exchange(request("/fhir/north/.well-known/smart-configuration").header("Accept", "application/xml"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        JsonNode document = JSON.readTree(response.body());
        assertThat(document.get("issuer").asText()).isEqualTo(keycloak.issuer());
        assertThat(document.get("authorization_endpoint").asText()).isEqualTo(keycloak.authorizationEndpoint());
        assertThat(document.get("token_endpoint").asText()).isEqualTo(keycloak.tokenEndpoint());
        assertThat(document.get("jwks_uri").asText()).startsWith(keycloak.issuer());
        assertThat(document.get("code_challenge_methods_supported")).hasSize(1);
        assertThat(document.get("code_challenge_methods_supported").get(0).asText())
                .isEqualTo("S256");
        assertThat(texts(document.get("grant_types_supported"))).contains("authorization_code", "client_credentials");
        assertThat(texts(document.get("capabilities")))
                .contains(
                        "launch-standalone",
                        "client-public",
                        "context-standalone-patient",
                        "permission-v2",
                        "permission-v1",
                        "permission-patient",
                        "permission-user",
                        "permission-online",
                        "sso-openid-connect");
        assertThat(texts(document.get("scopes_supported")))
                .contains("launch/patient", "patient/*.rs", "fhirUser", "online_access");
        assertThat(texts(document.get("token_endpoint_auth_methods_supported"))).contains("private_key_jwt");
    }

    @Test
    void discoveryOfAnUnknownTenantIsNotFound() {
        HttpResponse<String> response = exchange(request("/fhir/nowhere/.well-known/smart-configuration"));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("OperationOutcome");
    }

    @Test
    void capabilityStatementIsPublicAndNamesSmartOnFhir() {
        HttpResponse<String> response = get("/fhir/north/metadata", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("SMART-on-FHIR")
                .contains("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris")
                .contains(keycloak.tokenEndpoint());
    }

    @Test
    void discoveryIsOpenToAnyOriginAndTheApiOnlyToRegisteredOnes() {
        HttpResponse<String> discovery = exchange(
                request("/fhir/north/.well-known/smart-configuration").header("Origin", "https://any.app.example"));
        assertThat(discovery.headers().firstValue("Access-Control-Allow-Origin"))
                .isPresent();

        HttpResponse<String> registered = exchange(request("/fhir/north/Patient")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.north.example")
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization"));
        assertThat(registered.statusCode()).isEqualTo(200);
        assertThat(registered.headers().firstValue("Access-Control-Allow-Origin"))
                .hasValue("https://app.north.example");

        HttpResponse<String> stranger = exchange(request("/fhir/north/Patient")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "GET"));
        assertThat(stranger.statusCode()).isEqualTo(403);
        assertThat(stranger.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
