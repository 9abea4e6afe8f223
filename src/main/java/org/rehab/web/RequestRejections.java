package org.rehab.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * A path that Spring Security's firewall refuses ({@code ..}, {@code ;}, {@code //}, encoded separators) is a
 * client mistake: 400 with an OperationOutcome saying so, before any authentication, never a misleading 401.
 */
class RequestRejections implements RequestRejectedHandler {

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException rejected)
            throws IOException {
        FhirErrorResponses.write(
                response,
                HttpServletResponse.SC_BAD_REQUEST,
                OperationOutcome.IssueType.INVALID,
                "The request path is not accepted: it must not contain '..' or '.' segments, ';', '//', an encoded"
                        + " '/', '\\' or '%', or control characters");
    }
}
