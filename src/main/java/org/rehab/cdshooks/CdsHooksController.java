package org.rehab.cdshooks;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseJson;
import ca.uhn.hapi.fhir.cdshooks.module.CdsHooksObjectMapperFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.rehab.tenant.RegisteredTenants;
import org.rehab.web.FhirErrorResponses;
import org.springframework.context.annotation.Lazy;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * A hospital's CDS Hooks endpoints (CDS Hooks 2.0) under its base URL {@code /cds/{tenant}}: discovery, and a call
 * of each service. The hospital is the tenant named in the path; an EHR's JWT is accepted only for the hospital it
 * is registered for ({@link CdsHooksSecurityConfig}). Errors are answered as OperationOutcomes.
 */
@RestController
class CdsHooksController {

    private final CdsHooksCalls calls;
    private final CdsHooksAudit audit;
    private final RegisteredTenants tenants;
    private final RestfulServer fhirServer;
    private final FhirContext fhir;
    private final ObjectMapper json;

    CdsHooksController(
            CdsHooksCalls calls,
            CdsHooksAudit audit,
            RegisteredTenants tenants,
            @Lazy RestfulServer fhirServer,
            FhirContext fhir) {
        this.calls = calls;
        this.audit = audit;
        this.tenants = tenants;
        this.fhirServer = fhirServer;
        this.fhir = fhir;
        this.json = new CdsHooksObjectMapperFactory(fhir).newMapper();
    }

    @GetMapping("/cds/{tenant}/cds-services")
    ResponseEntity<String> discovery(@PathVariable String tenant) {
        requireHospital(tenant);
        return write(RehabCdsService.discovery());
    }

    @PostMapping("/cds/{tenant}/cds-services/{id}")
    ResponseEntity<String> call(
            @PathVariable String tenant,
            @PathVariable String id,
            @RequestBody(required = false) String body,
            HttpServletRequest request,
            Authentication caller) {
        requireHospital(tenant);
        RehabCdsService service = RehabCdsService.byId(id)
                .orElseThrow(() -> new ResourceNotFoundException("This hospital has no CDS service " + id));
        HookCall call = HookCall.read(body == null ? "" : body, json, fhir);
        String serverBase =
                CdsHooksSecurityConfig.serviceUrl(fhirServer, request).replaceAll("/cds/[^/]+/cds-services/[^/]+$", "");
        String ehr = caller == null ? "an EHR (local mode: not authenticated)" : caller.getName();
        String patient = call.patientId().orElse(null);
        try {
            CdsServiceResponseJson answer = calls.answer(service, tenant, call, serverBase);
            audit.record(tenant, serverBase, ehr, request.getRemoteAddr(), call, patient, null);
            return write(answer);
        } catch (BaseServerResponseException refused) {
            audit.record(tenant, serverBase, ehr, request.getRemoteAddr(), call, patient, refused.getMessage());
            throw refused;
        }
    }

    @ExceptionHandler(BaseServerResponseException.class)
    void refuse(BaseServerResponseException refused, HttpServletResponse response) throws IOException {
        FhirErrorResponses.write(
                response,
                refused.getStatusCode(),
                refused.getStatusCode() == 404
                        ? OperationOutcome.IssueType.NOTFOUND
                        : refused.getStatusCode() == 412
                                ? OperationOutcome.IssueType.INCOMPLETE
                                : OperationOutcome.IssueType.INVALID,
                refused.getMessage());
    }

    private void requireHospital(String tenant) {
        if (!tenants.exists(tenant)) {
            throw new ResourceNotFoundException("No hospital " + tenant + " on this server");
        }
    }

    /** JSON, whatever the client accepts: CDS Hooks has no other representation. */
    private ResponseEntity<String> write(Object value) {
        try {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(json.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
