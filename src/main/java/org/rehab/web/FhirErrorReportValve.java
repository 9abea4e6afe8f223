package org.rehab.web;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * Answers what Tomcat refuses before any servlet sees it (a malformed request line, an encoded slash or NUL, an
 * over-long URL or header, a method it does not serve) with an OperationOutcome instead of an HTML page. It never
 * quotes the request, which may carry patient data.
 */
class FhirErrorReportValve extends ErrorReportValve {

    static final String ALLOWED_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

    @Override
    protected void report(Request request, Response response, Throwable failure) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        if (status == HttpServletResponse.SC_NOT_IMPLEMENTED || status == HttpServletResponse.SC_METHOD_NOT_ALLOWED) {
            status = HttpServletResponse.SC_METHOD_NOT_ALLOWED;
            response.setHeader("Allow", ALLOWED_METHODS);
        }
        try {
            response.resetBuffer();
            FhirErrorResponses.write(response, status, issueType(status), explanation(status, request.getMethod()));
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // the client has gone: nothing more to say
        }
    }

    private static OperationOutcome.IssueType issueType(int status) {
        return switch (status) {
            case 401 -> OperationOutcome.IssueType.LOGIN;
            case 403 -> OperationOutcome.IssueType.FORBIDDEN;
            case 404 -> OperationOutcome.IssueType.NOTFOUND;
            case 405 -> OperationOutcome.IssueType.NOTSUPPORTED;
            case 413, 414, 431 -> OperationOutcome.IssueType.TOOLONG;
            default -> status >= 500 ? OperationOutcome.IssueType.EXCEPTION : OperationOutcome.IssueType.INVALID;
        };
    }

    static String explanation(int status, String method) {
        return switch (status) {
            case 400 ->
                "The request cannot be read: its request line, path or headers are malformed (an encoded"
                        + " '/' or '\\', a NUL or control character, a backslash or a character that must be"
                        + " percent-encoded)";
            case 404 -> "Nothing is served at this path: FHIR URLs look like /fhir/{tenant}/{Type}/{id}";
            case 405 -> "The method is not one this server accepts: use " + ALLOWED_METHODS;
            case 413 -> "The request body is too large";
            case 414, 431 -> "The request line or headers are longer than this server reads";
            default ->
                status >= 500
                        ? "The server failed to complete this request; nothing about it was your mistake"
                        : "The request was refused (HTTP " + status + ")";
        };
    }
}
