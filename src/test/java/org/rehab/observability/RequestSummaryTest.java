package org.rehab.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.junit.jupiter.api.Test;

class RequestSummaryTest {

    @Test
    void failureIsIdentifiedByHapiCodeWithoutItsMessage() {
        var failure = new InvalidRequestException(
                "HAPI-0450: Failed to parse request body. Error was: HAPI-1821: Invalid value \"Jane Doe\"");

        assertThat(RequestSummary.hapiCode(failure)).isEqualTo("HAPI-0450");
    }

    @Test
    void failureWithoutHapiCodeSaysNone() {
        assertThat(RequestSummary.hapiCode(new IllegalStateException("Patient Jane Doe")))
                .isEqualTo("none");
    }

    @Test
    void stackTraceKeepsTypesAndFramesButDropsMessages() {
        var failure =
                new InternalErrorException("HAPI-9999: for Jane Doe", new IllegalStateException("born 1931-02-03"));

        String trace = RequestSummary.stackTraceWithoutMessages(failure);

        assertThat(trace)
                .startsWith(InternalErrorException.class.getName())
                .contains("Caused by: " + IllegalStateException.class.getName())
                .contains("\tat org.rehab.observability.RequestSummaryTest")
                .doesNotContain("Jane Doe")
                .doesNotContain("1931-02-03");
    }
}
