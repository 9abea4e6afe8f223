package org.rehab.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.rehab.testsupport.FhirServerIT;
import org.rehab.testsupport.RawHttp;

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
        return RawHttp.send(
                port,
                "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAccept: application/fhir+json\r\n"
                        + "Connection: close\r\n\r\n");
    }
}
