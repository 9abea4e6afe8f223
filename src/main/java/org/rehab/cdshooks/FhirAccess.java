package org.rehab.cdshooks;

import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import java.util.ArrayList;
import java.util.List;
import org.rehab.security.Callers;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Whether a call may have what it did not prefetch, and the patient's recommendations, read from the hospital's
 * tenant, honouring its {@code fhirAuthorization} (CDS Hooks 2.0, "Passing the Access Token to the CDS Service"). A
 * token granted for this hospital's FHIR base on this server is checked as the FHIR API checks it (this realm's
 * token, for this hospital, with scopes that search each part read for this patient), and a part it does not grant
 * makes the call fail with 412, as the specification asks of a service that cannot get the data it needs. A call
 * without one, or with one for another server (which this service does not call), is read on the registered EHR's
 * own authority over its hospital's data.
 */
final class FhirAccess {

    /** What every service reads from the tenant whatever the prefetch: the patient's recommendations. */
    private static final String RECOMMENDATIONS = "ServiceRequest";

    private final JwtDecoder tokens;

    FhirAccess(JwtDecoder tokens) {
        this.tokens = tokens;
    }

    void check(HookCall call, String tenantBase, String tenant, String patientId, List<String> missingKeys) {
        if (call.fhirAuthorization().isEmpty()
                || !call.fhirServer()
                        .map(server -> sameBase(server, tenantBase))
                        .orElse(false)) {
            return;
        }
        Jwt token;
        try {
            token = tokens.decode(call.fhirAuthorization().get().accessToken());
        } catch (JwtException refused) {
            throw new PreconditionFailedException("fhirAuthorization's access token is not valid for " + tenantBase
                    + ": send a valid token, or none (the prefetch then comes on the EHR's own authority)");
        }
        List<String> read = new ArrayList<>();
        for (String key : missingKeys) {
            read.add(PrefetchedRecord.TYPES.get(key));
        }
        read.add(RECOMMENDATIONS);
        for (String type : read) {
            if (!Callers.maySearch(token, tenant, patientId, type)) {
                throw new PreconditionFailedException("fhirAuthorization does not grant searching " + type
                        + " of this patient in this hospital, which this service reads"
                        + (RECOMMENDATIONS.equals(type) ? "" : ": send it in the prefetch, or a token that grants it"));
            }
        }
    }

    private static boolean sameBase(String server, String tenantBase) {
        int end = server.length();
        while (end > 0 && server.charAt(end - 1) == '/') {
            end--;
        }
        return server.substring(0, end).equals(tenantBase);
    }
}
