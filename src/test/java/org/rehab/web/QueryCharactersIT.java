package org.rehab.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.FhirServerIT;

/**
 * Query strings as FHIR clients and curl users write them, with the characters of FHIR search unencoded: a token
 * search with a raw '|' is a search, not a refusal.
 */
class QueryCharactersIT extends FhirServerIT {

    @Test
    void tokenSearchWithARawBarIsASearch() {
        String response = rawGet("/fhir/north/Observation?code=http://loinc.org|39156-5&_count=1");

        assertThat(response).startsWith("HTTP/1.1 200").contains("\"resourceType\":\"Bundle\"");
    }

    @Test
    void otherSearchCharactersAreAcceptedToo() {
        String response = rawGet("/fhir/north/Patient?name=[x]{y}^`\"&_count=1");

        assertThat(response).startsWith("HTTP/1.1 200").contains("\"resourceType\":\"Bundle\"");
    }

    private String rawGet(String target) {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAccept: application/fhir+json\r\n"
                            + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
