package org.rehab.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.FhirServerIT;

/** Every client mistake answers 4xx with an OperationOutcome that says what was wrong. */
class BadInputIT extends FhirServerIT {

    private static final String JSON = "application/fhir+json";

    @Test
    void malformedJsonIs400() {
        assertRejected(post("/fhir/north/Patient", JSON, "{\"resourceType\":\"Patient\","), 400, "Failed to parse");
    }

    @Test
    void malformedXmlIs400() {
        assertRejected(
                post("/fhir/north/Patient", "application/fhir+xml", "<Patient xmlns=\"http://hl7.org/fhir\"><name>"),
                400,
                "Failed to parse");
    }

    @Test
    void unknownResourceTypeIs404() {
        assertRejected(http(request("/fhir/north/Foo")), 404, "Unknown resource type 'Foo'");
    }

    @Test
    void invalidValueIs400NamingTheElement() {
        assertRejected(
                post("/fhir/north/Patient", JSON, "{\"resourceType\":\"Patient\",\"birthDate\":\"the fifth of May\"}"),
                400,
                "birthDate");
    }

    @Test
    void invalidCodeIs400() {
        assertRejected(
                post("/fhir/north/Patient", JSON, "{\"resourceType\":\"Patient\",\"gender\":\"robot\"}"),
                400,
                "gender");
    }

    @Test
    void unknownElementIs400() {
        assertRejected(
                post("/fhir/north/Patient", JSON, "{\"resourceType\":\"Patient\",\"shoeSize\":44}"), 400, "shoeSize");
    }

    @Test
    void missingRequiredElementIs422() {
        assertRejected(
                post("/fhir/north/Observation", JSON, "{\"resourceType\":\"Observation\",\"code\":{\"text\":\"x\"}}"),
                422,
                "Observation.status");
    }

    @Test
    void wrongContentTypeIs415() {
        HttpResponse<String> response = post("/fhir/north/Patient", "text/plain", "{\"resourceType\":\"Patient\"}");
        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(response.body()).contains("OperationOutcome").contains("Content-Type text/plain");
    }

    @Test
    void missingContentTypeIs400() {
        HttpResponse<String> response = http(request("/fhir/north/Patient")
                .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\"}")));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("OperationOutcome").contains("Content-Type");
    }

    @Test
    void binaryIsAcceptedAsItsRawBytes() {
        HttpResponse<String> response = post("/fhir/north/Binary", "image/png", "\u0089PNG not really");
        assertThat(response.statusCode()).isEqualTo(201);
    }

    @Test
    void oversizedBodyAnnouncedByItsLengthIs413BeforeItIsSent() throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            String head = "POST /fhir/north/Patient HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/fhir+json\r\nContent-Length: " + (91 * 1024 * 1024)
                    + "\r\nExpect: 100-continue\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));

            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(response)
                    .startsWith("HTTP/1.1 413")
                    .contains("OperationOutcome")
                    .contains("larger than the limit of 94371840 bytes (setting rehab.fhir.max-request-size)");
        }
    }

    @Test
    void oversizedStreamedBodyIs413() throws Exception {
        byte[] body = new byte[90 * 1024 * 1024 + 64 * 1024];
        Arrays.fill(body, (byte) ' ');
        HttpRequest streamed = request("/fhir/north/Patient")
                .header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build();

        HttpResponse<String> response = HttpClient.newHttpClient().send(streamed, HttpResponse.BodyHandlers.ofString());

        assertRejected(response, 413, "larger than the limit");
    }

    @Test
    void unknownSearchParameterIs400() {
        assertRejected(http(request("/fhir/north/Patient?shoe-size=44")), 400, "Unknown search parameter");
    }

    @Test
    void malformedSearchValueIs400() {
        assertRejected(http(request("/fhir/north/Patient?birthdate=yesterday-ish")), 400, "yesterday");
    }

    @Test
    void referenceToMissingResourceIs4xx() {
        HttpResponse<String> response = post(
                "/fhir/north/Observation",
                JSON,
                "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},"
                        + "\"subject\":{\"reference\":\"Patient/does-not-exist\"}}");
        assertThat(response.statusCode()).isBetween(400, 499);
        assertThat(response.body()).contains("OperationOutcome").contains("Patient/does-not-exist");
    }

    @Test
    void deletingAReferencedPatientIs409() {
        String id = uniqueId("ref");
        put("/fhir/north/Patient/" + id, "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}");
        put(
                "/fhir/north/Condition/" + id,
                "{\"resourceType\":\"Condition\",\"id\":\"" + id + "\",\"code\":{\"text\":\"Chronic pain\"},"
                        + "\"subject\":{\"reference\":\"Patient/" + id + "\"}}");

        assertRejected(http(request("/fhir/north/Patient/" + id).DELETE()), 409, "Condition/" + id);
        assertThat(http(request("/fhir/north/Patient/" + id)).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> post(String path, String contentType, String body) {
        return http(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private void put(String path, String body) {
        HttpResponse<String> response =
                http(request(path).header("Content-Type", JSON).PUT(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 201);
    }

    private static void assertRejected(HttpResponse<String> response, int status, String explanation) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).contains("OperationOutcome").contains(explanation);
    }
}
