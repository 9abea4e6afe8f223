package org.rehab.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Gets tokens from the test Keycloak the way SMART clients do: a standalone launch (authorization code with PKCE
 * S256, the user signing in on Keycloak's own login form) as the therapist-dashboard app, and SMART backend
 * services (client credentials, with a client secret or a private_key_jwt assertion) as a hospital's EHR.
 */
public final class SmartTokens {

    /** Where the dashboard is registered; the flow stops at the redirect, so nothing needs to listen there. */
    public static final String DASHBOARD_REDIRECT = "http://localhost:8080/dashboard/";

    public static final String FHIR_AUDIENCE = "http://localhost:8080/fhir";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeycloakTestServer keycloak;

    public SmartTokens(KeycloakTestServer keycloak) {
        this.keycloak = keycloak;
    }

    /** The token response of a standalone launch of the dashboard by a user with their password. */
    public JsonNode login(String username, String scope) {
        return signIn(username, scope).tokenResponse();
    }

    /**
     * A standalone launch of the dashboard up to Keycloak's answer to the sign-in form: the redirect back to the app,
     * or a page the user must act on first (the patient picker).
     */
    public Launch signIn(String username, String scope) {
        byte[] bytes = new byte[48];
        RANDOM.nextBytes(bytes);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String authorize = keycloak.authorizationEndpoint() + "?"
                + KeycloakTestServer.form(Map.of(
                        "response_type",
                        "code",
                        "client_id",
                        "therapist-dashboard",
                        "redirect_uri",
                        DASHBOARD_REDIRECT,
                        "scope",
                        scope,
                        "state",
                        UUID.randomUUID().toString(),
                        "aud",
                        FHIR_AUDIENCE,
                        "code_challenge",
                        challenge(verifier),
                        "code_challenge_method",
                        "S256"));
        HttpResponse<String> page = KeycloakTestServer.send(HttpRequest.newBuilder(URI.create(authorize)));
        String cookies = page.headers().allValues("Set-Cookie").stream()
                .map(cookie -> cookie.substring(0, cookie.indexOf(';')))
                .collect(Collectors.joining("; "));
        return new Launch(verifier, cookies, page)
                .submit("kc-form-login", Map.of("username", username, "password", username));
    }

    /** A launch in progress in Keycloak's pages, with the browser's cookies. */
    public final class Launch {

        private final String verifier;
        private final String cookies;
        private HttpResponse<String> page;

        private Launch(String verifier, String cookies, HttpResponse<String> page) {
            this.verifier = verifier;
            this.cookies = cookies;
            this.page = page;
        }

        /** Keycloak's latest answer. */
        public HttpResponse<String> page() {
            return page;
        }

        /** Submits the form of the current page with this id, as a browser would. */
        public Launch submit(String formId, Map<String, String> fields) {
            Matcher form = Pattern.compile("<form[^>]*id=\"" + formId + "\"[^>]*action=\"([^\"]+)\"")
                    .matcher(page.body());
            if (!form.find()) {
                throw new IllegalStateException("No form " + formId + " (" + page.statusCode() + "): " + page.body());
            }
            page = KeycloakTestServer.send(
                    HttpRequest.newBuilder(URI.create(form.group(1).replace("&amp;", "&")))
                            .header("Cookie", cookies)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(KeycloakTestServer.form(fields))));
            return this;
        }

        /** Exchanges the authorization code Keycloak redirected back with for the token response. */
        public JsonNode tokenResponse() {
            String location = page.headers()
                    .firstValue("Location")
                    .orElseThrow(() -> new IllegalStateException(
                            "No redirect back to the app (" + page.statusCode() + "): " + page.body()));
            Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(location);
            if (!location.startsWith(DASHBOARD_REDIRECT) || !code.find()) {
                throw new IllegalStateException("No authorization code in " + location);
            }
            return KeycloakTestServer.post(
                    keycloak.tokenEndpoint(),
                    Map.of(
                            "grant_type",
                            "authorization_code",
                            "code",
                            code.group(1),
                            "redirect_uri",
                            DASHBOARD_REDIRECT,
                            "client_id",
                            "therapist-dashboard",
                            "code_verifier",
                            verifier));
        }
    }

    /** An access token of a standalone launch. */
    public String userToken(String username, String scope) {
        return login(username, scope).get("access_token").asText();
    }

    /** SMART backend services with a client secret; a blank scope asks for the client's default scopes only. */
    public String clientSecretToken(String clientId, String secret, String scope) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", clientId);
        form.put("client_secret", secret);
        if (!scope.isBlank()) {
            form.put("scope", scope);
        }
        return KeycloakTestServer.post(keycloak.tokenEndpoint(), form)
                .get("access_token")
                .asText();
    }

    /** SMART backend services with private_key_jwt: a client assertion signed with the client's private key. */
    public JsonNode privateKeyJwtTokenResponse(String clientId, Path privateKeyPem, String scope) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("scope", scope);
        form.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        form.put("client_assertion", assertion(clientId, privateKeyPem));
        return KeycloakTestServer.post(keycloak.tokenEndpoint(), form);
    }

    private String assertion(String clientId, Path privateKeyPem) {
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS384).build(),
                    new JWTClaimsSet.Builder()
                            .issuer(clientId)
                            .subject(clientId)
                            .audience(List.of(keycloak.tokenEndpoint()))
                            .jwtID(UUID.randomUUID().toString())
                            .issueTime(new Date())
                            .expirationTime(new Date(System.currentTimeMillis() + 60_000))
                            .build());
            jwt.sign(new RSASSASigner(privateKey(privateKeyPem)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey privateKey(Path pem) {
        try {
            String base64 =
                    Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
