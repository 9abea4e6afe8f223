package org.rehab.cdshooks;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the CDS Hooks services: the EHRs that may call them, each for one hospital, with the issuer of its
 * signed JWTs and its public keys (a JWK Set URL, or the JWK Set itself); none by default, so every call is refused
 * until a hospital's EHR is registered.
 *
 * @param ehrs the registered EHRs, by a name of the operator's choosing
 * @param clockSkew how far the clocks of an EHR and this server may differ when checking a JWT's expiry
 */
@ConfigurationProperties("rehab.cds-hooks")
record CdsHooksSettings(@DefaultValue Map<String, Ehr> ehrs, @DefaultValue("30s") Duration clockSkew) {

    /**
     * An EHR of one hospital.
     *
     * @param tenant the hospital whose services it calls
     * @param issuer the {@code iss} of its JWTs (its client id)
     * @param jwksUrl where its public keys are published, or null if they are given in {@code jwks}
     * @param jwks its public keys as a JWK Set (JSON), or null if they are fetched from {@code jwksUrl}
     */
    record Ehr(String tenant, String issuer, URI jwksUrl, String jwks) {

        Ehr {
            if (tenant == null || tenant.isBlank() || issuer == null || issuer.isBlank()) {
                throw new IllegalArgumentException("A rehab.cds-hooks.ehrs entry needs a tenant and an issuer");
            }
            if ((jwksUrl == null) == (jwks == null || jwks.isBlank())) {
                throw new IllegalArgumentException(
                        "The CDS Hooks EHR " + issuer + " needs its public keys: jwks-url or jwks, one of them");
            }
        }
    }
}
