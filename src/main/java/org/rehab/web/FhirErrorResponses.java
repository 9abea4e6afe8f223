package org.rehab.web;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.hl7.fhir.r4.model.OperationOutcome;

/** Writes an error answered outside HAPI (by Tomcat, Spring Security, discovery) as a FHIR OperationOutcome. */
public final class FhirErrorResponses {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    private FhirErrorResponses() {}

    public static void write(HttpServletResponse response, int status, OperationOutcome.IssueType code, String text)
            throws IOException {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(code)
                .setDiagnostics(text);
        response.setStatus(status);
        response.setContentType("application/fhir+json;charset=UTF-8");
        response.getWriter().write(FHIR.newJsonParser().encodeResourceToString(outcome));
    }
}
