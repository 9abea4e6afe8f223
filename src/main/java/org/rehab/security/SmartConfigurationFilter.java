package org.rehab.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.rehab.tenant.RegisteredTenants;
import org.rehab.web.FhirErrorResponses;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code GET /fhir/{tenant}/.well-known/smart-configuration} (SMART App Launch 2.2, "Conformance"): where to
 * authorize and get tokens, and what this server supports. Always JSON, whatever the Accept header; PKCE
 * {@code S256} only (Keycloak's own discovery also lists {@code plain}).
 */
class SmartConfigurationFilter extends OncePerRequestFilter {

    private static final Pattern PATH = Pattern.compile("/fhir/([^/]+)/\\.well-known/smart-configuration/?");
    private static final ObjectMapper JSON = new ObjectMapper();

    static final List<String> CAPABILITIES = List.of(
            "launch-standalone",
            "client-public",
            "client-confidential-symmetric",
            "client-confidential-asymmetric",
            "context-standalone-patient",
            "sso-openid-connect",
            "permission-offline",
            "permission-online",
            "permission-patient",
            "permission-user",
            "permission-v1",
            "permission-v2");

    /** The scope forms apps ask for; keycloak-realm.json defines these and the per-type ones. */
    static final List<String> SCOPES = List.of(
            "openid",
            "fhirUser",
            "launch",
            "launch/patient",
            "offline_access",
            "online_access",
            "patient/*.rs",
            "patient/*.cruds",
            "patient/*.read",
            "patient/*.write",
            "user/*.rs",
            "user/*.cruds",
            "user/*.read",
            "user/*.write",
            "system/*.rs",
            "system/*.cruds",
            "system/*.read",
            "system/*.write");

    private final SecuritySettings settings;
    private final RegisteredTenants tenants;

    SmartConfigurationFilter(SecuritySettings settings, RegisteredTenants tenants) {
        this.settings = settings;
        this.tenants = tenants;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !PATH.matcher(request.getRequestURI()).matches();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Matcher matcher = PATH.matcher(request.getRequestURI());
        matcher.matches();
        String tenant = matcher.group(1);
        if (!tenants.exists(tenant)) {
            FhirErrorResponses.write(
                    response, 404, OperationOutcome.IssueType.NOTFOUND, "Unknown tenant '" + tenant + "'");
            return;
        }
        if (!settings.enabled()) {
            FhirErrorResponses.write(
                    response,
                    404,
                    OperationOutcome.IssueType.NOTFOUND,
                    "Security is off (local mode): this server does not take SMART tokens");
            return;
        }
        response.setContentType("application/json;charset=UTF-8");
        response.setHeader("Cache-Control", "max-age=3600");
        JSON.writeValue(response.getOutputStream(), document());
    }

    Map<String, Object> document() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("issuer", settings.issuer());
        document.put("jwks_uri", settings.openIdEndpoint("certs"));
        document.put("authorization_endpoint", settings.openIdEndpoint("auth"));
        document.put("token_endpoint", settings.openIdEndpoint("token"));
        document.put("introspection_endpoint", settings.openIdEndpoint("token/introspect"));
        document.put("revocation_endpoint", settings.openIdEndpoint("revoke"));
        document.put("userinfo_endpoint", settings.openIdEndpoint("userinfo"));
        document.put("grant_types_supported", List.of("authorization_code", "client_credentials", "refresh_token"));
        document.put(
                "token_endpoint_auth_methods_supported",
                List.of("client_secret_basic", "client_secret_post", "private_key_jwt"));
        document.put("token_endpoint_auth_signing_alg_values_supported", List.of("RS384", "ES384", "RS256"));
        document.put("response_types_supported", List.of("code"));
        document.put("scopes_supported", SCOPES);
        document.put("code_challenge_methods_supported", List.of("S256"));
        document.put("capabilities", CAPABILITIES);
        return document;
    }
}
