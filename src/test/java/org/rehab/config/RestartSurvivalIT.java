package org.rehab.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rehab.RehabServerApplication;
import org.rehab.testsupport.ClinicalFixtures;
import org.rehab.testsupport.TestPostgres;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Data written through the API is still there after the server restarts, on both databases. */
class RestartSurvivalIT {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Test
    void dataSurvivesARestartOnTheEmbeddedDefault(@TempDir Path dataDir) {
        writeRestartAndRead("jdbc:h2:file:" + dataDir.resolve("rehab"), "sa", "");
    }

    @Test
    void dataSurvivesARestartOnPostgresql() {
        writeRestartAndRead(TestPostgres.createDatabase("rehab_restart"), TestPostgres.USER, TestPostgres.PASSWORD);
    }

    private static void writeRestartAndRead(String url, String user, String password) {
        String id = "restart-" + Long.toHexString(System.nanoTime());
        try (ConfigurableApplicationContext server = start(url, user, password)) {
            client(server, "north")
                    .transaction()
                    .withBundle(ClinicalFixtures.clinicalBundle(id, "Restart"))
                    .execute();
        }

        try (ConfigurableApplicationContext server = start(url, user, password)) {
            IGenericClient north = client(server, "north");
            assertThat(north.read()
                            .resource(Patient.class)
                            .withId(id)
                            .execute()
                            .getNameFirstRep()
                            .getFamily())
                    .isEqualTo("Restart-" + id);
            for (Class<? extends Resource> type : ClinicalFixtures.CLINICAL_TYPES) {
                String resourceId = id + "-" + type.getSimpleName().toLowerCase();
                assertThat(north.read()
                                .resource(type)
                                .withId(resourceId)
                                .execute()
                                .getIdElement()
                                .getIdPart())
                        .isEqualTo(resourceId);
            }
            assertThatThrownBy(() -> client(server, "south")
                            .read()
                            .resource(Patient.class)
                            .withId(id)
                            .execute())
                    .isInstanceOf(ResourceNotFoundException.class);
        }
    }

    private static ConfigurableApplicationContext start(String url, String user, String password) {
        // Command-line arguments: they take precedence over application.yaml, as a deployment's settings would.
        ConfigurableApplicationContext server = new SpringApplicationBuilder(RehabServerApplication.class)
                .run(
                        "--server.port=0",
                        "--rehab.security.enabled=false",
                        "--spring.datasource.url=" + url,
                        "--spring.datasource.username=" + user,
                        "--spring.datasource.password=" + password);
        assertThat(server.getEnvironment().getProperty("spring.datasource.url")).isEqualTo(url);
        return server;
    }

    private static IGenericClient client(ConfigurableApplicationContext server, String tenant) {
        int port = ((WebServerApplicationContext) server).getWebServer().getPort();
        FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        return FHIR.newRestfulGenericClient("http://localhost:" + port + "/fhir/" + tenant);
    }
}
