package org.rehab.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rehab.demo.LoadDemoData;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextConfiguration;

/**
 * Base of the security tests: the whole server with security on, against the real Keycloak of
 * {@link KeycloakTestServer} and its own PostgreSQL database, shared by every subclass (one server start). Tenant
 * {@code north} holds the demo patients and {@code south} a patient of its own, loaded once by the hospitals' EHR
 * back ends with their own tokens.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@AutoConfigureObservability
@ContextConfiguration(initializers = SecuredServerIT.Initializer.class)
public abstract class SecuredServerIT {

    public static final String SOUTH_EHR_SECRET = "south-ehr-demo-secret";
    public static final Path NORTH_EHR_KEY = Path.of("src/test/resources/keycloak/north-ehr-private-key.pem");

    /** The PostgreSQL database of the secured server. */
    public static final String SECURED_DATABASE = "rehab_secured";

    private static final Pattern NEXT_LINK =
            Pattern.compile("\\{\"relation\":\"next\",\"url\":\"http://localhost:\\d+(/[^\"]+)\"");

    private static boolean loaded;

    @LocalServerPort
    protected int port;

    protected final KeycloakTestServer keycloak = KeycloakTestServer.get();
    protected final SmartTokens tokens = new SmartTokens(keycloak);

    /** Starts Keycloak before the server, which needs its issuer URL; Keycloak's patient picker needs the port. */
    public static class Initializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            TestPropertyValues.of(database())
                    .and(
                            "server.port=" + KeycloakTestServer.get().fhirServerPort(),
                            // A database out of reach is noticed within seconds (the default waits 30 s).
                            "spring.datasource.dbcp2.max-wait=2s",
                            "rehab.security.enabled=true",
                            "rehab.security.issuer=" + KeycloakTestServer.get().issuer(),
                            "rehab.security.clock-skew=0s",
                            "rehab.fhir.max-request-size=4MB",
                            "rehab.security.allowed-origins=https://app.north.example",
                            "rehab.recommendation.candidate-rules-directory=src/test/resources/rules-candidates",
                            // The hospitals' EHRs that call the CDS Hooks services (CdsHooksIT).
                            "rehab.cds-hooks.ehrs.north.tenant=north",
                            "rehab.cds-hooks.ehrs.north.issuer=" + TestEhr.NORTH.issuer(),
                            "rehab.cds-hooks.ehrs.north.jwks=" + TestEhr.NORTH.publicJwks(),
                            "rehab.cds-hooks.ehrs.south.tenant=south",
                            "rehab.cds-hooks.ehrs.south.issuer=" + TestEhr.SOUTH.issuer(),
                            "rehab.cds-hooks.ehrs.south.jwks-url=" + TestEhr.SOUTH.jwksUrl(),
                            "rehab.subscriptions.allowed-endpoints=http://127.0.0.1:")
                    .applyTo(context);
        }

        /** Its own PostgreSQL database or, with {@code -Drehab.test.database=h2}, its own H2 file. */
        private static String[] database() {
            if (TestServerInitializer.onH2()) {
                return new String[] {
                    "spring.datasource.url=jdbc:h2:file:"
                            + Path.of("target", "it-h2-secured", Long.toHexString(System.nanoTime()), "rehab")
                                    .toAbsolutePath(),
                    "spring.datasource.username=sa",
                    "spring.datasource.password="
                };
            }
            return new String[] {
                "spring.datasource.url=" + TestPostgres.createDatabase(SECURED_DATABASE),
                "spring.datasource.username=" + TestPostgres.USER,
                "spring.datasource.password=" + TestPostgres.PASSWORD
            };
        }
    }

    /** Demo patients 102, 105, 108 in north and patient s-1 in south, written by each hospital's EHR. */
    protected synchronized void hospitalsWithPatients() {
        if (loaded) {
            return;
        }
        try {
            String bundle = LoadDemoData.withDates(
                    Files.readString(Path.of("src/demo/demo-patients.json")), OffsetDateTime.now(ZoneOffset.UTC));
            require(send("POST", "/fhir/north", northEhr("system/*.cruds"), bundle), 200);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        require(
                send(
                        "PUT",
                        "/fhir/south/Patient/s-1",
                        southEhr("system/*.cruds"),
                        "{\"resourceType\":\"Patient\",\"id\":\"s-1\",\"name\":[{\"family\":\"Southey\"}]}"),
                201);
        require(
                send(
                        "PUT",
                        "/fhir/south/Observation/s-1-bmi",
                        southEhr("system/*.cruds"),
                        "{\"resourceType\":\"Observation\",\"id\":\"s-1-bmi\",\"status\":\"final\",\"code\":{\"coding\":[{"
                                + "\"system\":\"http://loinc.org\",\"code\":\"39156-5\"}]},\"subject\":{\"reference\":"
                                + "\"Patient/s-1\"},\"effectiveDateTime\":\"2026-01-01\",\"valueQuantity\":{\"value\":31,"
                                + "\"unit\":\"kg/m2\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"kg/m2\"}}"),
                201);
        loaded = true;
    }

    protected String northEhr(String scope) {
        return tokens.privateKeyJwtTokenResponse("north-ehr", NORTH_EHR_KEY, scope)
                .get("access_token")
                .asText();
    }

    protected String southEhr(String scope) {
        return tokens.clientSecretToken("south-ehr", SOUTH_EHR_SECRET, scope);
    }

    protected HttpResponse<String> get(String path, String token) {
        return send("GET", path, token, null);
    }

    /**
     * The bodies of every page of a search, from this path on: a page may hold fewer entries than its size when
     * resources the caller may not see are withheld, and what a test looks for may be on any page.
     */
    protected String everyPage(String path, String token) {
        StringBuilder pages = new StringBuilder();
        String next = path;
        while (next != null) {
            HttpResponse<String> page = require(get(next, token), 200);
            pages.append(page.body());
            Matcher link = NEXT_LINK.matcher(page.body());
            next = link.find() ? link.group(1) : null;
        }
        return pages.toString();
    }

    protected HttpResponse<String> send(String method, String path, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Accept", "application/fhir+json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/fhir+json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return exchange(request);
    }

    protected HttpResponse<String> exchange(HttpRequest.Builder request) {
        return KeycloakTestServer.send(request);
    }

    protected HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
    }

    /** A request written byte for byte on a plain socket ({@link RawHttp}). */
    protected String raw(String requestHead) {
        return RawHttp.send(port, requestHead);
    }

    protected static int statusOf(String rawResponse) {
        return RawHttp.statusOf(rawResponse);
    }

    /** A refusal as every client mistake must be answered: this status, an OperationOutcome saying why. */
    protected static void assertRefused(HttpResponse<String> response, int status, String explanation) {
        if (response.statusCode() != status
                || !response.body().contains("\"resourceType\":\"OperationOutcome\"")
                || !response.body().contains(explanation)) {
            throw new AssertionError("Expected " + status + " with an OperationOutcome saying '" + explanation
                    + "' but got " + response.statusCode() + " for "
                    + response.request().method() + " "
                    + response.request().uri() + ": " + response.body());
        }
    }

    protected static HttpResponse<String> require(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new AssertionError("Expected " + status + " but got " + response.statusCode() + " for "
                    + response.request().method() + " " + response.request().uri() + ": " + response.body());
        }
        return response;
    }
}
