package org.rehab.testsupport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * An EHR that calls CDS Hooks services, as the specification has it authenticate: JWTs it signs with its own key
 * (ES384 or RS384), whose public half the server knows from its registration, given inline or published at a JWK
 * Set URL that this class serves on loopback.
 */
public final class TestEhr {

    /** North's EHR: an ES384 key, registered inline. */
    public static final TestEhr NORTH = new TestEhr("https://ehr.north.example", JWSAlgorithm.ES384);

    /** South's EHR: an RS384 key, published at a JWK Set URL. */
    public static final TestEhr SOUTH = new TestEhr("https://ehr.south.example", JWSAlgorithm.RS384);

    private final String issuer;
    private final JWSAlgorithm algorithm;
    private final JWK key;
    private HttpServer jwksServer;

    private TestEhr(String issuer, JWSAlgorithm algorithm) {
        this.issuer = issuer;
        this.algorithm = algorithm;
        this.key = newKey(algorithm);
    }

    private static JWK newKey(JWSAlgorithm algorithm) {
        try {
            String kid = UUID.randomUUID().toString();
            return JWSAlgorithm.ES384.equals(algorithm)
                    ? new ECKeyGenerator(Curve.P_384).keyID(kid).generate()
                    : new RSAKeyGenerator(3072).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public String issuer() {
        return issuer;
    }

    /** The public keys, as a JWK Set. */
    public String publicJwks() {
        return new JWKSet(key.toPublicJWK()).toString();
    }

    /** A URL on loopback where the public keys are published. */
    public synchronized String jwksUrl() {
        if (jwksServer == null) {
            try {
                jwksServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            jwksServer.createContext("/jwks.json", exchange -> {
                byte[] body = publicJwks().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            jwksServer.start();
        }
        return "http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/jwks.json";
    }

    /** A fresh JWT for a call of the service at this URL, valid for five minutes. */
    public String token(String serviceUrl) {
        return token(serviceUrl, UUID.randomUUID().toString(), Instant.now().plus(Duration.ofMinutes(5)));
    }

    public String token(String audience, String jti, Instant expiresAt) {
        return sign(new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(issuer)
                .audience(audience)
                .issueTime(new Date())
                .expirationTime(Date.from(expiresAt))
                .jwtID(jti)
                .build());
    }

    public String sign(JWTClaimsSet claims) {
        return sign(claims, key);
    }

    /** Claims signed with another key than the one registered, as a forger would. */
    public String signWithAnotherKey(JWTClaimsSet claims) {
        return sign(claims, newKey(algorithm));
    }

    private String sign(JWTClaimsSet claims, JWK signingKey) {
        try {
            JWSSigner signer = JWSAlgorithm.ES384.equals(algorithm)
                    ? new ECDSASigner(signingKey.toECKey())
                    : new RSASSASigner(signingKey.toRSAKey());
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(algorithm)
                            .keyID(key.getKeyID())
                            .type(JOSEObjectType.JWT)
                            .build(),
                    claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
