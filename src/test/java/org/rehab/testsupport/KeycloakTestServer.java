package org.rehab.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A real Keycloak 26 for the security tests: the distribution from Maven Central (unpacked by the build into
 * target/keycloak), started once per test run on loopback with a fresh database, this project's
 * keycloak-realm.json and its SMART launch scripts (src/keycloak), exactly as docker-compose.yml runs it. Stopped when the test JVM exits.
 */
public final class KeycloakTestServer {

    public static final String REALM = "rehab";

    /** How Keycloak runs, here and in docker-compose.yml (DockerComposeTest keeps them the same). */
    public static final List<String> RUN_FLAGS = List.of("start-dev", "--import-realm", "--features=scripts");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static KeycloakTestServer instance;

    private final int port;
    private final int fhirServerPort;
    private final String adminPassword = UUID.randomUUID().toString();

    private KeycloakTestServer(int port, int fhirServerPort) {
        this.port = port;
        this.fhirServerPort = fhirServerPort;
    }

    public static synchronized KeycloakTestServer get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }

    /** Where the secured test server listens: Keycloak's patient picker reads the patient list there. */
    public int fhirServerPort() {
        return fhirServerPort;
    }

    public String issuer() {
        return baseUrl() + "/realms/" + REALM;
    }

    public String tokenEndpoint() {
        return issuer() + "/protocol/openid-connect/token";
    }

    public String authorizationEndpoint() {
        return issuer() + "/protocol/openid-connect/auth";
    }

    private static KeycloakTestServer start() {
        Path home = Path.of(System.getProperty("rehab.test.keycloak.home", "target/keycloak/keycloak-26.7.3"))
                .toAbsolutePath();
        if (!Files.isExecutable(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException(
                    "No Keycloak distribution in " + home + ": run the tests with ./mvnw verify");
        }
        try {
            deleteRecursively(home.resolve("data"));
            Files.createDirectories(home.resolve("data/import"));
            Files.copy(Path.of("keycloak-realm.json"), home.resolve("data/import/rehab-realm.json"));
            packageScripts(Path.of("src/keycloak/smart-launch"), home.resolve("providers/rehab-smart.jar"));
            KeycloakTestServer server = new KeycloakTestServer(freePort(), freePort());
            Path log = Path.of("target", "keycloak-test.log").toAbsolutePath();
            List<String> command = new ArrayList<>();
            command.add(home.resolve("bin/kc.sh").toString());
            command.addAll(RUN_FLAGS);
            command.addAll(
                    List.of("--http-host=127.0.0.1", "--http-port=" + server.port, "--hostname=" + server.baseUrl()));
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
            builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", server.adminPassword);
            builder.environment().put("REHAB_FHIR_BASE_URL", "http://localhost:" + server.fhirServerPort + "/fhir");
            Process process = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
            }));
            server.awaitRealm(process, log);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitRealm(Process process, Path log) throws IOException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak stopped: see " + log);
            }
            try {
                HttpResponse<String> response = HTTP.send(
                        HttpRequest.newBuilder(URI.create(issuer() + "/.well-known/openid-configuration"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(500);
        }
        throw new IllegalStateException("Keycloak did not start within 4 minutes: see " + log);
    }

    /** A Keycloak admin API call with the bootstrap administrator of the master realm. */
    public HttpResponse<String> admin(String method, String path, String body) {
        String token = masterRealmToken();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + "/admin/realms/" + REALM + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return send(request);
    }

    /** An access token of the master realm: signed by another key, for another issuer and audience. */
    public String masterRealmToken() {
        return post(
                        baseUrl() + "/realms/master/protocol/openid-connect/token",
                        Map.of(
                                "grant_type", "password",
                                "client_id", "admin-cli",
                                "username", "admin",
                                "password", adminPassword))
                .get("access_token")
                .asText();
    }

    /** A form POST answering JSON; fails unless 200. */
    public static JsonNode post(String url, Map<String, String> form) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(form))));
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String form(Map<String, String> form) {
        return form.entrySet().stream()
                .map(entry -> URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** One HTTP exchange; redirects are not followed. */
    public static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Keycloak deploys JavaScript providers from a jar: META-INF/keycloak-scripts.json and the scripts. */
    static void packageScripts(Path directory, Path jar) throws IOException {
        Files.createDirectories(jar.getParent());
        try (OutputStream out = Files.newOutputStream(jar);
                ZipOutputStream zip = new ZipOutputStream(out);
                Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                zip.putNextEntry(
                        new ZipEntry(directory.relativize(file).toString().replace('\\', '/')));
                zip.write(Files.readAllBytes(file));
                zip.closeEntry();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
