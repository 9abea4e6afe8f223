package org.rehab.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.web.filter.OncePerRequestFilter;

/** Answers 405 with {@code Allow} and an OperationOutcome for an HTTP method the FHIR API does not have. */
class MethodFilter extends OncePerRequestFilter {

    private static final Set<String> FHIR_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (FHIR_METHODS.contains(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        response.setHeader("Allow", FhirErrorReportValve.ALLOWED_METHODS);
        FhirErrorResponses.write(
                response,
                HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                OperationOutcome.IssueType.NOTSUPPORTED,
                FhirErrorReportValve.explanation(HttpServletResponse.SC_METHOD_NOT_ALLOWED, request.getMethod()));
    }
}
