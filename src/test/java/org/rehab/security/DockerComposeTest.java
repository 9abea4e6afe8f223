package org.rehab.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.KeycloakTestServer;
import org.rehab.testsupport.SmartTokens;
import org.yaml.snakeyaml.Yaml;

/** docker-compose.yml runs Keycloak and the server with the settings the security tests use. */
class DockerComposeTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(String name) throws Exception {
        Map<String, Object> compose = new Yaml().load(Files.readString(Path.of("docker-compose.yml")));
        return (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get(name);
    }

    @Test
    @SuppressWarnings("unchecked")
    void keycloakRunsAsInTheTests() throws Exception {
        List<String> command = (List<String>) service("keycloak").get("command");

        assertThat(command).containsAll(KeycloakTestServer.RUN_FLAGS);
        assertThat(command).contains("--hostname=http://localhost:8180");
    }

    @Test
    @SuppressWarnings("unchecked")
    void keycloaksPatientPickerReadsTheStacksServer() throws Exception {
        Map<String, Object> environment =
                (Map<String, Object>) service("keycloak").get("environment");

        assertThat(service("server")).isNotNull();
        assertThat(environment.get("REHAB_FHIR_BASE_URL")).isEqualTo("http://server:8080/fhir");
    }

    @Test
    @SuppressWarnings("unchecked")
    void serverExpectsTheRealmsIssuerAndTheTestedAudience() throws Exception {
        Map<String, Object> environment =
                (Map<String, Object>) service("server").get("environment");

        assertThat(environment.get("REHAB_SECURITY_ENABLED")).isEqualTo("true");
        assertThat(environment.get("REHAB_SECURITY_AUDIENCE")).isEqualTo(SmartTokens.FHIR_AUDIENCE);
        assertThat((String) environment.get("REHAB_SECURITY_ISSUER"))
                .isEqualTo("http://localhost:8180/realms/" + KeycloakTestServer.REALM);
    }

    @Test
    void keycloakImageIsTheVersionTheTestsRun() throws Exception {
        Matcher version = Pattern.compile("<keycloak.version>([^<]+)</keycloak.version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertThat(version.find()).isTrue();

        assertThat(Files.readString(Path.of("src/keycloak/Dockerfile")))
                .contains("FROM quay.io/keycloak/keycloak:" + version.group(1));
    }
}
