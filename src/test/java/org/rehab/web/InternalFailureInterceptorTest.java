package org.rehab.web;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.CannotCreateTransactionException;

class InternalFailureInterceptorTest {

    private final InternalFailureInterceptor interceptor = new InternalFailureInterceptor(Duration.ofSeconds(60));

    @Test
    void databaseOutOfReachIs503WithRetryAfterAndNoClassName() {
        BaseServerResponseException answer = interceptor.translate(
                null,
                new InternalErrorException(
                        "HAPI-0389: Failed to call access method: org.springframework.transaction.Cannot…",
                        new CannotCreateTransactionException("Could not open JPA EntityManager")));

        assertThat(answer.getStatusCode()).isEqualTo(503);
        assertThat(answer.getResponseHeaders()).containsKey("Retry-After");
        assertThat(answer.getMessage()).contains("database").doesNotContain("org.");
    }

    @Test
    void brokenConnectionIs503() {
        assertThat(interceptor
                        .translate(null, new RuntimeException(new SQLException("I/O error", "08006")))
                        .getStatusCode())
                .isEqualTo(503);
        assertThat(interceptor
                        .translate(null, new RuntimeException(new SQLTransientConnectionException("timeout")))
                        .getStatusCode())
                .isEqualTo(503);
    }

    @Test
    void cancelledQueryIs400NamingTheSetting() {
        BaseServerResponseException answer = interceptor.translate(
                null, new RuntimeException(new SQLException("canceling statement due to statement timeout", "57014")));

        assertThat(answer.getStatusCode()).isEqualTo(400);
        assertThat(answer.getMessage()).contains("rehab.fhir.query-timeout").contains("60 s");
    }

    @Test
    void conflictingWriteIs409WithoutTheStatement() {
        BaseServerResponseException answer = interceptor.translate(
                null,
                new ResourceVersionConflictException(
                        "HAPI-0550: could not execute batch [insert into HFJ_RES_SEARCH_URL values ('123-45-6789')]",
                        new SQLException("duplicate key", "23505"),
                        null));

        assertThat(answer.getStatusCode()).isEqualTo(409);
        assertThat(answer.getMessage()).doesNotContain("insert").doesNotContain("123-45-6789");
    }

    @Test
    void otherFailuresAre500WithAReferenceAndNothingOfTheirMessage() {
        BaseServerResponseException answer =
                interceptor.translate(null, new IllegalStateException("Observation/108-home-reading is broken"));

        assertThat(answer.getStatusCode()).isEqualTo(500);
        assertThat(answer.getMessage())
                .contains("reference")
                .doesNotContain("108")
                .doesNotContain("IllegalState");
    }

    @Test
    void clientErrorQuotingAControlCharacterKeepsItsStatusWithoutIt() {
        BaseServerResponseException answer =
                interceptor.translate(null, new InvalidRequestException("HAPI-0375: Invalid _count value: /e\u0000"));

        assertThat(answer.getStatusCode()).isEqualTo(400);
        assertThat(answer.getMessage()).isEqualTo("HAPI-0375: Invalid _count value: /e?");
        assertThat(interceptor
                        .translate(null, new DataFormatException("HAPI-1940: Invalid date/time format: \"/e\u0000\""))
                        .getMessage())
                .isEqualTo("HAPI-1940: Invalid date/time format: \"/e?\"");
    }

    @Test
    void numberParameterThatIsNoNumberIs400() {
        BaseServerResponseException answer = interceptor.translate(
                null,
                new InternalErrorException(
                        "HAPI-0389: Failed to call access method",
                        new NumberFormatException("For input string: \";env;\"")));

        assertThat(answer.getStatusCode()).isEqualTo(400);
        assertThat(answer.getMessage()).doesNotContain("env");
    }

    @Test
    void clientErrorsAreLeftToHapi() {
        assertThat(interceptor.translate(null, new InvalidRequestException("Unknown search parameter")))
                .isNull();
    }
}
