package org.rehab.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.KeycloakTestServer;
import org.rehab.testsupport.SecuredServerIT;
import org.rehab.testsupport.SmartTokens;

/**
 * The SMART token flows an app and an EHR use, as Inferno's SMART App Launch checks see them: a patient's standalone
 * launch (authorization code, PKCE S256, patient context in the token response), a therapist's launch with the
 * patient picker, and backend services.
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
    void therapistLaunchWithPatientContextPicksOneOfTheirHospitalsPatients() {
        SmartTokens.Launch launch = tokens.signIn("north-therapist", "openid fhirUser launch/patient patient/*.rs");

        String picker = launch.page().body();
        assertThat(picker)
                .contains("Choose a patient")
                .contains("value=\"102\"")
                .contains("value=\"105\"")
                .contains("value=\"108\"")
                .contains("Whitfield")
                .doesNotContain("value=\"s-1\"")
                .doesNotContain("Southey");

        JsonNode response =
                launch.submit("patient-picker", Map.of("patient", "108")).tokenResponse();

        assertThat(response.get("patient").asText()).isEqualTo("108");
        String token = response.get("access_token").asText();
        assertThat(get("/fhir/north/Patient/108", token).body()).contains("Whitfield");
        assertThat(get("/fhir/north/Patient/105", token).statusCode()).isEqualTo(403);
    }

    @Test
    void patientPickerSearchesByNameWithinTheHospital() {
        SmartTokens.Launch launch = tokens.signIn("north-therapist", "openid launch/patient patient/*.rs");

        String found = launch.submit("patient-search", Map.of("name", "Whitfield"))
                .page()
                .body();
        assertThat(found).contains("value=\"108\"").doesNotContain("value=\"105\"");

        String otherHospital = launch.submit("patient-search", Map.of("name", "Southey"))
                .page()
                .body();
        assertThat(otherHospital).contains("No patient found").doesNotContain("value=\"s-1\"");
    }

    @Test
    void patientPickerRefusesAPatientOfAnotherHospital() {
        SmartTokens.Launch launch = tokens.signIn("south-therapist", "openid launch/patient patient/*.rs");
        assertThat(launch.page().body()).contains("value=\"s-1\"").doesNotContain("value=\"108\"");

        launch.submit("patient-picker", Map.of("patient", "108"));

        assertThat(launch.page().statusCode()).isEqualTo(200);
        assertThat(launch.page().headers().firstValue("Location")).isEmpty();
        assertThat(launch.page().body()).contains("not one of your hospital");
        JsonNode response =
                launch.submit("patient-picker", Map.of("patient", "s-1")).tokenResponse();
        assertThat(response.get("patient").asText()).isEqualTo("s-1");
    }

    @Test
    void cancellingThePatientPickerSendsAccessDeniedToTheApp() {
        SmartTokens.Launch launch = tokens.signIn("north-therapist", "openid launch/patient patient/*.rs");

        launch.submit("patient-picker", Map.of("cancel", "cancel"));

        assertThat(launch.page().headers().firstValue("Location").orElseThrow())
                .startsWith(SmartTokens.DASHBOARD_REDIRECT)
                .contains("error=access_denied");
    }

    @Test
    void onlineAccessRefreshesOnlyWithinTheSignInSession() throws Exception {
        JsonNode response = tokens.login("north-therapist", "openid fhirUser user/*.rs online_access");

        assertThat(response.get("scope").asText()).contains("online_access");
        String refreshToken = response.get("refresh_token").asText();
        JsonNode refreshClaims = new ObjectMapper()
                .readTree(Base64.getUrlDecoder().decode(refreshToken.split("\\.")[1]));
        assertThat(refreshClaims.get("typ").asText()).isEqualTo("Refresh");

        JsonNode refreshed = KeycloakTestServer.post(
                keycloak.tokenEndpoint(),
                Map.of(
                        "grant_type", "refresh_token",
                        "refresh_token", refreshToken,
                        "client_id", "therapist-dashboard"));

        String token = refreshed.get("access_token").asText();
        assertThat(token).isNotEqualTo(response.get("access_token").asText());
        assertThat(get("/fhir/north/Patient/108", token).statusCode()).isEqualTo(200);
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
