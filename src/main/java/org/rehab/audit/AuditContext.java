package org.rehab.audit;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditContextServices;
import jakarta.annotation.Nonnull;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.rehab.security.Callers;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Who did it, for HAPI's Basic Audit Log Patterns: the user (their {@code fhirUser}, else their Keycloak subject)
 * and the client application ({@code azp}), from the access token. Resources are named by their URL under the
 * server's public FHIR base, which the storage treats as logical references (an audit entry must stay writable after
 * what it names is deleted).
 */
class AuditContext implements IBalpAuditContextServices {

    static final String USERS = "urn:rehab:keycloak-subject";

    private final String publicBase;

    AuditContext(String publicBase) {
        this.publicBase = publicBase;
    }

    @Nonnull
    @Override
    public Reference getAgentClientWho(RequestDetails request) {
        return Callers.currentClient()
                .map(client -> new Reference()
                        .setIdentifier(
                                new Identifier().setSystem(Callers.CLIENTS).setValue(client))
                        .setDisplay(client))
                .orElseGet(() -> new Reference().setDisplay("no client: security off (local mode)"));
    }

    @Nonnull
    @Override
    public Reference getAgentUserWho(RequestDetails request) {
        return Callers.currentToken().map(AuditContext::user).orElseGet(() -> new Reference()
                .setDisplay("anonymous: security off (local mode)"));
    }

    static Reference user(Jwt token) {
        String fhirUser = token.getClaimAsString("fhirUser");
        // fhirUser goes in the display: the user's Practitioner need not exist in the hospital's tenant.
        return new Reference()
                .setIdentifier(new Identifier().setSystem(USERS).setValue(token.getSubject()))
                .setDisplay(fhirUser != null ? fhirUser : token.getSubject());
    }

    @Nonnull
    @Override
    public String massageResourceIdForStorage(
            @Nonnull RequestDetails request, @Nonnull IBaseResource resource, @Nonnull IIdType id) {
        return publicBase + "/" + request.getTenantId() + "/"
                + id.toUnqualifiedVersionless().getValue();
    }
}
