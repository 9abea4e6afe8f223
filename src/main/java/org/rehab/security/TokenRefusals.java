package org.rehab.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.rehab.web.FhirErrorResponses;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

/**
 * Answers a request whose token could not be accepted: 401 with {@code WWW-Authenticate} and an OperationOutcome
 * saying why (no token, expired, wrong issuer or audience, bad signature), recorded in the audit trail of the
 * tenant in the URL. When the token cannot be checked at all because Keycloak's keys are out of reach, 503 with
 * {@code Retry-After}: the client's token may well be good, and nothing was done.
 */
class TokenRefusals implements AuthenticationEntryPoint, AuthenticationFailureHandler {

    private static final Pattern TENANT_BASE = Pattern.compile("^.*?/fhir/[^/?]+");

    private final BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();
    private final RefusedRequests audit;

    TokenRefusals(RefusedRequests audit) {
        this.audit = audit;
    }

    @Override
    public void onAuthenticationFailure(
            HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        if (failure instanceof AuthenticationServiceException) {
            response.setHeader("Retry-After", "10");
            FhirErrorResponses.write(
                    response,
                    HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    OperationOutcome.IssueType.TRANSIENT,
                    "The access token cannot be checked now: the identity provider's keys are out of reach."
                            + " Nothing was done; try again shortly.");
            return;
        }
        commence(request, response, failure);
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        bearer.commence(request, response, failure);
        String reason = request.getHeader("Authorization") == null
                ? "This request needs an access token: Authorization: Bearer …"
                : "The access token is not valid: " + failure.getMessage();
        FhirErrorResponses.write(
                response, HttpServletResponse.SC_UNAUTHORIZED, OperationOutcome.IssueType.LOGIN, reason);
        Matcher tenantBase = TENANT_BASE.matcher(request.getRequestURL());
        if (tenantBase.lookingAt()) {
            String base = tenantBase.group();
            audit.unauthenticated(
                    base.substring(base.lastIndexOf('/') + 1),
                    base,
                    request.getMethod(),
                    request.getRemoteAddr(),
                    reason);
        }
    }
}
