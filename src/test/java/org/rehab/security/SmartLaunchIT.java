package org.rehab.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.SecuredServerIT;
import org.rehab.testsupport.SmartTokens;

/**
 * The SMART token flows an app and an EHR use, as Inferno's SMART App Launch checks see them: a patient's standalone
 * launch (authorization code, PKCE S256, patient context in the token response) and backend services.
 */
class SmartLaunchIT extends SecuredServerIT {

    @BeforeEach
    void patients() {
        hospitalsWithPatients();
    }

    @Test
    void patientStandaloneLaunchGetsTheirPatientInTheTokenResponse() {
        JsonNode response = tokens.login("patient-108", "openid fhirUser launch/patient patient/*.rs offline_access");

        assertThat(response.get("token_type").asText()).isEqualToIgnoringCase("bearer");
        assertThat(response.get("expires_in").asInt()).isPositive();
        assertThat(response.get("patient").asText()).isEqualTo("108");
        assertThat(List.of(response.get("scope").asText().split(" ")))
                .contains("launch/patient", "patient/*.rs", "openid", "fhirUser");
        assertThat(response.has("id_token")).isTrue();
        assertThat(response.has("refresh_token")).isTrue();

        String token = response.get("access_token").asText();
        assertThat(get("/fhir/north/Patient/108", token).body()).contains("Whitfield");
        assertThat(get("/fhir/north/Patient/105", token).statusCode()).isEqualTo(403);
    }

    @Test
    void authorizationWithoutPkceIsRefusedByKeycloak() {
        var response = exchange(HttpRequest.newBuilder(URI.create(keycloak.authorizationEndpoint()
                + "?response_type=code&client_id=therapist-dashboard&scope=openid&state=x&redirect_uri="
                + URLEncoder.encode(SmartTokens.DASHBOARD_REDIRECT, StandardCharsets.UTF_8))));

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location").orElseThrow())
                .contains("error=invalid_request")
                .contains("code_challenge");
    }

    @Test
    void therapistLaunchCarriesTheirHospitalAndFhirUser() {
        JsonNode response = tokens.login("north-therapist", "openid fhirUser user/*.rs");

        String token = response.get("access_token").asText();
        assertThat(get("/fhir/north/Patient?_count=50", token).body())
                .contains("\"id\":\"108\"")
                .contains("\"id\":\"105\"")
                .contains("\"id\":\"102\"");
        assertThat(get("/fhir/south/Patient", token).statusCode()).isEqualTo(403);
    }

    @Test
    void backendServicesWithPrivateKeyJwtReachTheirHospital() {
        JsonNode response = tokens.privateKeyJwtTokenResponse("north-ehr", NORTH_EHR_KEY, "system/*.rs");

        assertThat(response.get("scope").asText()).contains("system/*.rs");
        String token = response.get("access_token").asText();
        assertThat(get("/fhir/north/Patient/108", token).statusCode()).isEqualTo(200);
        assertThat(get("/fhir/south/Patient/s-1", token).statusCode()).isEqualTo(403);
    }

    @Test
    void backendServicesWithClientSecretReachTheirHospital() {
        String token = southEhr("system/*.rs");

        assertThat(get("/fhir/south/Patient/s-1", token).statusCode()).isEqualTo(200);
        assertThat(get("/fhir/north/Patient/108", token).statusCode()).isEqualTo(403);
    }
}
