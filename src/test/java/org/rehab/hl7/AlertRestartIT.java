package org.rehab.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.BooleanSupplier;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.Test;
import org.rehab.demo.LoadDemoData;
import org.rehab.testsupport.MllpTestPeer;
import org.rehab.testsupport.StandaloneServer;
import org.rehab.testsupport.TestPostgres;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** An alert still pending when the server stops is delivered by the next server to run, once. */
class AlertRestartIT {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Test
    void alertPendingWhenTheServerStopsIsDeliveredAfterTheRestart() throws Exception {
        String database = TestPostgres.createDatabase("rehab_alert_restart");
        try (MllpTestPeer engine = MllpTestPeer.start()) {
            engine.goDown();
            try (ConfigurableApplicationContext server = StandaloneServer.start(database)) {
                IGenericClient north = client(server);
                north.update().resource(engine.endpoint("engine")).execute();
                north.transaction()
                        .withBundle(LoadDemoData.withDates(
                                Files.readString(Path.of("src/demo/demo-patients.json")),
                                OffsetDateTime.now(ZoneOffset.UTC)))
                        .execute();
                north.operation()
                        .onInstance("Patient/105")
                        .named("$evaluate")
                        .withNoParameters(Parameters.class)
                        .execute();
                Thread.sleep(1000);
            }
            assertThat(engine.received()).isEmpty();

            engine.comeBack();
            try (ConfigurableApplicationContext server = StandaloneServer.start(database)) {
                eventually(() -> engine.accepted().size() == 1);
                eventually(() -> communications(client(server)).stream()
                        .anyMatch(c -> c.getStatus() == Communication.CommunicationStatus.COMPLETED));
                Thread.sleep(1000);
                assertThat(engine.received()).hasSize(1);
            }
        }
    }

    private static IGenericClient client(ConfigurableApplicationContext server) {
        int port = ((WebServerApplicationContext) server).getWebServer().getPort();
        FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        return FHIR.newRestfulGenericClient("http://localhost:" + port + "/fhir/north");
    }

    private static java.util.List<Communication> communications(IGenericClient client) {
        return client.search().forResource(Communication.class).returnBundle(Bundle.class).execute().getEntry().stream()
                .map(e -> (Communication) e.getResource())
                .toList();
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("waited 30 s").isBefore(deadline);
            Thread.sleep(50);
        }
    }
}
