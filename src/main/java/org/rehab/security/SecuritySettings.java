package org.rehab.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of SMART-on-FHIR security: the Keycloak realm that issues tokens, the audience they must carry, the
 * origins allowed to call the API from a browser. {@code enabled=false} is the local mode: no authentication, the
 * server on loopback only.
 *
 * @param issuer the realm's public URL, as it appears in the tokens' {@code iss}
 * @param jwkSetUri where the server fetches the realm's signing keys; by default under the issuer (set it when
 *     the server reaches Keycloak under another name than browsers do)
 * @param audience the FHIR base URL tokens must name in {@code aud}
 * @param clockSkew how far the clocks of Keycloak and this server may differ when checking expiry
 */
@ConfigurationProperties("rehab.security")
public record SecuritySettings(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("http://localhost:8180/realms/rehab") String issuer,
        String jwkSetUri,
        @DefaultValue("http://localhost:8080/fhir") String audience,
        @DefaultValue("30s") java.time.Duration clockSkew,
        @DefaultValue List<String> allowedOrigins) {

    String jwkSetUriOrDefault() {
        return jwkSetUri == null || jwkSetUri.isBlank() ? issuer + "/protocol/openid-connect/certs" : jwkSetUri;
    }

    String openIdEndpoint(String name) {
        return issuer + "/protocol/openid-connect/" + name;
    }
}
