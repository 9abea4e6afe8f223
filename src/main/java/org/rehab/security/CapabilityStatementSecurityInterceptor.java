package org.rehab.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;

/**
 * The CapabilityStatement's {@code rest.security}: SMART-on-FHIR, CORS, and the OAuth endpoints (the
 * {@code oauth-uris} extension of SMART App Launch 1.0, which older clients still read).
 */
@Interceptor
public class CapabilityStatementSecurityInterceptor {

    private static final String OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

    private final SecuritySettings settings;

    public CapabilityStatementSecurityInterceptor(SecuritySettings settings) {
        this.settings = settings;
    }

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void describeSecurity(IBaseConformance capabilityStatement) {
        CapabilityStatement statement = (CapabilityStatement) capabilityStatement;
        for (CapabilityStatement.CapabilityStatementRestComponent rest : statement.getRest()) {
            CapabilityStatement.CapabilityStatementRestSecurityComponent security = rest.getSecurity();
            security.setCors(true);
            security.getService().clear();
            security.addService(new CodeableConcept()
                    .addCoding(new Coding(
                            "http://terminology.hl7.org/CodeSystem/restful-security-service",
                            "SMART-on-FHIR",
                            "SMART-on-FHIR"))
                    .setText("OAuth2 with SMART App Launch 2.x scopes; discovery at"
                            + " {base}/.well-known/smart-configuration"));
            security.getExtension().removeIf(extension -> OAUTH_URIS.equals(extension.getUrl()));
            Extension uris = security.addExtension().setUrl(OAUTH_URIS);
            uris.addExtension("authorize", new UriType(settings.openIdEndpoint("auth")));
            uris.addExtension("token", new UriType(settings.openIdEndpoint("token")));
            uris.addExtension("introspect", new UriType(settings.openIdEndpoint("token/introspect")));
            uris.addExtension("revoke", new UriType(settings.openIdEndpoint("revoke")));
        }
    }
}
