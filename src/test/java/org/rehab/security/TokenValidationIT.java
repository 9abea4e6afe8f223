package org.rehab.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.SecuredServerIT;
import org.rehab.testsupport.TestClients;

/** Every FHIR request needs a valid token of the realm, for this server; anything else is a 401 that says why. */
class TokenValidationIT extends SecuredServerIT {

    @BeforeEach
    void patients() {
        hospitalsWithPatients();
    }

    @Test
    void requestWithoutTokenIsRefusedWithWwwAuthenticateAndOperationOutcome() {
        HttpResponse<String> response = get("/fhir/north/Patient/108", null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
        assertThat(response.body())
                .contains("\"resourceType\":\"OperationOutcome\"")
                .contains("needs an access token");
        assertThat(response.body()).doesNotContain("Whitfield");
    }

    @Test
    void validTokenOfTheHospitalReadsItsPatient() {
        HttpResponse<String> response = get("/fhir/north/Patient/108", northEhr("system/*.rs"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("Whitfield");
    }

    @Test
    void expiredTokenIsRefused() throws InterruptedException {
        String token = shortLivedToken();
        assertThat(get("/fhir/north/Patient/108", token).statusCode()).isEqualTo(200);

        // exp is in whole seconds: a token of three seconds lives between two and three.
        Thread.sleep(4000);
        HttpResponse<String> response = get("/fhir/north/Patient/108", token);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("invalid_token");
        assertThat(response.body()).contains("expired");
    }

    @Test
    void tokenOfAnotherIssuerIsRefused() {
        HttpResponse<String> response = get("/fhir/north/Patient/108", keycloak.masterRealmToken());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("OperationOutcome");
    }

    @Test
    void tokenForAnotherAudienceIsRefused() {
        String token = tokens.clientSecretToken(
                "test-no-audience", TestClients.ensureNoAudienceClient(keycloak), "system/*.rs");

        HttpResponse<String> response = get("/fhir/north/Patient/108", token);

        String claims = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        assertThat(claims).doesNotContain("http://localhost:8080/fhir");
        assertThat(response.statusCode()).as(claims).isEqualTo(401);
        assertThat(response.body()).contains("not meant for http://localhost:8080/fhir");
    }

    @Test
    void unsignedTokenIsRefused() {
        String[] parts = northEhr("system/*.rs").split("\\.");
        String none = base64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";

        assertThat(get("/fhir/north/Patient/108", none).statusCode()).isEqualTo(401);
    }

    @Test
    void tamperedTokenIsRefused() {
        String[] parts = southEhr("system/*.rs").split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"hospital\":\"south\"", "\"hospital\":\"north\"");
        assertThat(claims).contains("\"hospital\":\"north\"");
        String tampered = parts[0] + "." + base64(claims) + "." + parts[2];

        HttpResponse<String> response = get("/fhir/north/Patient/108", tampered);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).doesNotContain("Whitfield");
    }

    @Test
    void garbageInTheAuthorizationHeaderIsRefused() {
        assertThat(get("/fhir/north/Patient/108", "not-a-token").statusCode()).isEqualTo(401);
    }

    private String shortLivedToken() {
        return tokens.clientSecretToken(
                "test-short-lived", TestClients.ensureShortLivedClient(keycloak), "system/*.rs");
    }

    private static String base64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
