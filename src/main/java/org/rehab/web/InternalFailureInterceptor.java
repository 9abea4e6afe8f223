package org.rehab.web;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers what failed inside the server honestly, naming no internal class or SQL: the database out of reach is 503
 * with {@code Retry-After} (nothing was done, try again); a search stopped by the query time limit is a 400 naming
 * the limit; an XML Patch that does not apply is 422; a write that lost a race with another is 409 without the
 * failed statement; any other failure is a 500 that only gives a reference, under
 * which the failure's kind is logged (never its message, which may quote request content or ids).
 */
@Interceptor
public class InternalFailureInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(InternalFailureInterceptor.class);

    /** SQL states of a database that cannot be reached or is shutting down (PostgreSQL, H2). */
    private static final Set<String> UNREACHABLE_STATES = Set.of("57P01", "57P02", "57P03", "90067", "90098");

    private static final String QUERY_CANCELED = "57014";

    private static final Pattern CONTROL_CHARACTERS = Pattern.compile("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]");

    private static final Set<String> UNREACHABLE_TYPES = Set.of(
            "java.sql.SQLTransientConnectionException",
            "java.sql.SQLNonTransientConnectionException",
            "java.net.ConnectException",
            "org.hibernate.exception.JDBCConnectionException",
            "org.springframework.transaction.CannotCreateTransactionException",
            "org.springframework.jdbc.CannotGetJdbcConnectionException");

    private final Duration queryTimeout;

    public InternalFailureInterceptor(Duration queryTimeout) {
        this.queryTimeout = queryTimeout;
    }

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException translate(RequestDetails request, Throwable failure) {
        if (failure instanceof ResourceVersionConflictException && causedBy(failure, SQLException.class)) {
            // HAPI quotes the failed SQL statement, values included
            return new ResourceVersionConflictException("This write conflicts with another one made at the same time"
                    + " (a concurrent update, or a conditional create matching the same criteria): retry it");
        }
        if (clientError(failure)) {
            return printable(failure); // HAPI answers it as the 4xx it is
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (unreachable(cause)) {
                var unavailable = new UnclassifiedServerFailureException(
                        503, "The database is out of reach: nothing was done. Try again shortly.");
                unavailable.addResponseHeader("Retry-After", "10");
                return unavailable;
            }
            if (cause instanceof SQLException sql && QUERY_CANCELED.equals(sql.getSQLState())) {
                return new InvalidRequestException("The request ran longer than the query time limit ("
                        + "rehab.fhir.query-timeout = " + queryTimeout.toSeconds() + " s): narrow the search");
            }
            if (cause.getClass().getName().equals("com.github.dnault.xmlpatch.PatchException")) {
                return new UnprocessableEntityException("The XML Patch cannot be applied to this resource: "
                        + "a selector matches nothing or an operation does not fit (RFC 5261)");
            }
        }
        if (failure instanceof BaseServerResponseException answered && answered.getStatusCode() != 500) {
            return null;
        }
        if (causedBy(failure, NumberFormatException.class)) {
            // HAPI binds an operation's numeric parameters (say $everything's _count) without catching this
            return new InvalidRequestException("A request parameter that must be a number is not one");
        }
        String reference = UUID.randomUUID().toString();
        LOG.atError()
                .addKeyValue("reference", reference)
                .addKeyValue("failure", rootCause(failure).getClass().getName())
                .log("Request failed inside the server");
        return new UnclassifiedServerFailureException(
                500,
                "The server failed to complete this request (reference " + reference + "); nothing about it"
                        + " was your mistake. Operations staff can find it in the logs under that reference.");
    }

    /**
     * A 4xx whose message quotes control characters the client sent (a NUL in a parameter) could not be written as
     * XML: the same answer without them. Null, to let HAPI answer, when there are none.
     */
    private static BaseServerResponseException printable(Throwable failure) {
        String message = failure.getMessage();
        if (message == null
                || !CONTROL_CHARACTERS.matcher(message).find()
                || !(failure instanceof BaseServerResponseException || failure instanceof DataFormatException)) {
            return null;
        }
        int status = failure instanceof BaseServerResponseException answered ? answered.getStatusCode() : 400;
        var cleaned = new UnclassifiedServerFailureException(
                status, CONTROL_CHARACTERS.matcher(message).replaceAll("?"));
        if (failure instanceof BaseServerResponseException answered && answered.getResponseHeaders() != null) {
            answered.getResponseHeaders()
                    .forEach((name, values) -> values.forEach(value -> cleaned.addResponseHeader(name, value)));
        }
        return cleaned;
    }

    /** What HAPI itself answers with a 4xx: a client error, or a parse failure of what the client sent. */
    private static boolean clientError(Throwable failure) {
        if (failure instanceof DataFormatException) {
            return true;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof BaseServerResponseException answered) {
                return answered.getStatusCode() < 500;
            }
        }
        return false;
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static boolean unreachable(Throwable cause) {
        if (UNREACHABLE_TYPES.contains(cause.getClass().getName())) {
            return true;
        }
        return cause instanceof SQLException sql
                && sql.getSQLState() != null
                && (sql.getSQLState().startsWith("08") || UNREACHABLE_STATES.contains(sql.getSQLState()));
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
