package org.rehab.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.SecuredServerIT;

/**
 * Finding 11: a malformed or unusual request is a client mistake answered with the right 4xx status and an
 * OperationOutcome, never a 500, an HTML page, an empty body or a misleading 401.
 */
class MalformedRequestAttackIT extends SecuredServerIT {

    private String ehr;

    @BeforeEach
    void signIn() {
        hospitalsWithPatients();
        ehr = northEhr("system/*.cruds");
    }

    @Test
    void ifMatchThatNamesNoVersionIs412() {
        HttpResponse<String> response = exchange(request("/fhir/north/Patient/108")
                .header("Authorization", "Bearer " + ehr)
                .header("Accept", "application/fhir+json")
                .header("Content-Type", "application/fhir+json")
                .header("If-Match", "W/\"abc\"")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"resourceType\":\"Patient\",\"id\":\"108\",\"gender\":\"male\"}")));

        assertRefused(response, 412, "If-Match");
    }

    @Test
    void encodedSlashNulAndBackslashInThePathAre400() {
        for (String path :
                new String[] {"/fhir/north/Patient%2f108", "/fhir/north/Patient/1%0008", "/fhir/north/Patient\\108"}) {
            assertRawRefused(raw(head("GET", path, "")), 400);
        }
    }

    @Test
    void overLongUrlsAndHeadersAre4xxOperationOutcomes() {
        String longUrl = "/fhir/north/Patient?name=" + "a".repeat(20_000);
        String response = raw(head("GET", longUrl, ""));
        assertThat(statusOf(response)).isBetween(400, 431);
        assertRawRefused(response, statusOf(response));

        String longHeader = raw(head("GET", "/fhir/north/Patient", "X-Filler: " + "b".repeat(20_000) + "\r\n"));
        assertThat(statusOf(longHeader)).isBetween(400, 431);
        assertRawRefused(longHeader, statusOf(longHeader));
    }

    @Test
    void scannerPayloadsInParametersAre400NeverA500OrBrokenXml() {
        for (String path : new String[] {
            "/fhir/north/Patient/108/$everything?_count=%3Benv%3B",
            "/fhir/north/Observation?_count=%2Fe%00&patient=108&_format=xml",
            "/fhir/north/Patient?birthdate=%2Fetc%2Fpasswd%00&_format=xml"
        }) {
            HttpResponse<String> response = get(path, ehr);
            assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(400);
            assertThat(response.body()).as(path).contains("OperationOutcome").doesNotContain("\u0000");
        }
    }

    @Test
    void unknownMethodsAre405WithTheAllowedOnes() {
        for (String method : new String[] {"PROPFIND", "MOVE", "TRACE", "CONNECT"}) {
            String response = raw(head(method, "/fhir/north/Patient/108", ""));
            assertRawRefused(response, 405);
            assertThat(response).as(method).containsIgnoringCase("\r\nAllow: ");
        }
    }

    @Test
    void apiPagesOpenedInABrowserRunNoScript() {
        HttpResponse<String> page = exchange(request("/fhir/north/Patient/108")
                .header("Authorization", "Bearer " + ehr)
                .header("Accept", "text/html"));

        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(policy ->
                        assertThat(policy).contains("default-src 'none'").doesNotContain("script-src"));
    }

    @Test
    void corsRefusalIsAnOperationOutcome() {
        HttpResponse<String> response = exchange(request("/fhir/north/Patient")
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "GET")
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()));

        assertRefused(response, 403, "origin");
    }

    @Test
    void dotSegmentsSemicolonsAndDoubleSlashesAre400NotA401() {
        for (String path : new String[] {
            "/fhir/north/Patient/../Patient/108", "/fhir/north/Patient;x=1/108", "/fhir/north//Patient/108"
        }) {
            String response = raw(head("GET", path, "Authorization: Bearer " + ehr + "\r\n"));
            assertRawRefused(response, 400);
            assertThat(response).as(path).contains("path");
        }
    }

    private static String head(String method, String target, String headers) {
        return method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nAccept: application/fhir+json\r\n" + headers
                + "Connection: close\r\n\r\n";
    }

    private static void assertRawRefused(String response, int status) {
        assertThat(statusOf(response)).as(response).isEqualTo(status);
        assertThat(response)
                .as("an OperationOutcome, not an HTML page")
                .contains("\"resourceType\":\"OperationOutcome\"")
                .doesNotContainIgnoringCase("<html");
    }
}
