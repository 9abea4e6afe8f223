package org.rehab.bulkexport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.rehab.testsupport.KeycloakTestServer;

/**
 * A Bulk Data client as the IG describes one (https://hl7.org/fhir/uv/bulkdata/export.html): kicks an export off
 * with {@code Prefer: respond-async}, polls its Content-Location until the manifest comes, downloads each NDJSON
 * file; with a bearer token when it has one.
 */
final class BulkDataClient {

    static final String NDJSON = "application/fhir+ndjson";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofMinutes(3);

    private final int port;
    private final String token;

    BulkDataClient(int port, String token) {
        this.port = port;
        this.token = token;
    }

    /** The kick-off request's answer. */
    HttpResponse<String> kickOff(String path) {
        return send(request(path).header("Prefer", "respond-async").header("Accept", "application/fhir+json"));
    }

    /** Kicks an export off and answers its status URL, failing unless the server accepted it (202). */
    String start(String path) {
        HttpResponse<String> response = kickOff(path);
        if (response.statusCode() != 202) {
            throw new AssertionError("$export answered " + response.statusCode() + ": " + response.body());
        }
        return response.headers()
                .firstValue("Content-Location")
                .orElseThrow(() -> new AssertionError("202 without a Content-Location"));
    }

    HttpResponse<String> get(String url, String accept) {
        return send(request(url).header("Accept", accept));
    }

    HttpResponse<String> delete(String url) {
        return send(request(url).DELETE());
    }

    /** Polls the status URL until the export is complete (200) and answers its manifest. */
    JsonNode awaitManifest(String statusUrl) {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> status = get(statusUrl, "application/json");
            if (status.statusCode() == 200) {
                return json(status.body());
            }
            if (status.statusCode() != 202) {
                throw new AssertionError("The export's status answered " + status.statusCode() + ": " + status.body());
            }
            sleep();
        }
        throw new AssertionError("The export was not complete within " + PATIENCE);
    }

    /**
     * Every resource of every file of a manifest, as "Type/id", each file downloaded as NDJSON and each of its lines
     * checked to be a resource of the type the manifest gives the file.
     */
    List<String> resources(JsonNode manifest) {
        List<String> resources = new ArrayList<>();
        for (JsonNode output : manifest.get("output")) {
            HttpResponse<String> file = get(output.get("url").asText(), NDJSON);
            if (file.statusCode() != 200) {
                throw new AssertionError("A file answered " + file.statusCode() + ": " + file.body());
            }
            for (String line : file.body().split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode resource = json(line);
                String type = resource.get("resourceType").asText();
                if (!type.equals(output.get("type").asText())) {
                    throw new AssertionError("A " + type + " in the file of " + output.get("type"));
                }
                resources.add(type + "/" + resource.get("id").asText());
            }
        }
        return resources;
    }

    private HttpRequest.Builder request(String url) {
        URI uri = URI.create(url.startsWith("http") ? url : "http://localhost:" + port + url);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        return KeycloakTestServer.send(request);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
