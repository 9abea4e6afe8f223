package org.rehab.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.rehab.demo.LoadDemoData;
import org.rehab.testsupport.RestHookReceiver;
import org.rehab.testsupport.StandaloneServer;
import org.rehab.testsupport.TestPostgres;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Notifications waiting when the server stops are delivered by the next server: those of a receiver outage, and
 * those the stopping server was delivering to a receiver that hung.
 */
class SubscriptionRestartIT {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Test
    void notificationsWaitingWhenTheServerStopsAreDeliveredAfterTheRestart() throws Exception {
        deliveredByTheNextServer(
                "rehab_subscription_restart",
                RestHookReceiver::goDown,
                // Each of the three has been refused once.
                receiver -> receiver.refused() >= 3);
    }

    @Test
    void notificationsAServerWasDeliveringWhenItStoppedGoToTheNextServerWithoutWaitingOutTheirLease() throws Exception {
        // The next server delivers within the 30 s of eventually, well within the 60 s lease the stopped server took.
        deliveredByTheNextServer(
                "rehab_subscription_stop_mid_delivery",
                RestHookReceiver::hang,
                // A delivery worker waits on the receiver, holding the lease of its batch.
                receiver -> receiver.held() >= 1);
    }

    /**
     * Puts the receiver in an outage, makes three recommendations, stops the server once {@code readyToStop} holds,
     * ends the outage, and expects the next server on the same database to deliver each recommendation once.
     */
    private static void deliveredByTheNextServer(
            String databaseName, Consumer<RestHookReceiver> outage, Predicate<RestHookReceiver> readyToStop)
            throws InterruptedException {
        String database = TestPostgres.createDatabase(databaseName);
        try (RestHookReceiver receiver = RestHookReceiver.start()) {
            outage.accept(receiver);
            List<String> recommendations;
            try (ConfigurableApplicationContext server = start(database)) {
                recommendations = recommendThrough(server, receiver);
                eventually(() -> readyToStop.test(receiver));
            }
            assertThat(receiver.accepted()).isEmpty();

            receiver.comeBack();
            try (ConfigurableApplicationContext server = start(database)) {
                eventually(() -> receiver.paths().containsAll(recommendations));
                assertThat(receiver.paths()).doesNotHaveDuplicates();
            }
        }
    }

    /** Subscribes the receiver to north's recommendations and makes three; answers their notification paths. */
    private static List<String> recommendThrough(ConfigurableApplicationContext server, RestHookReceiver receiver) {
        IGenericClient north = client(server);
        north.create()
                .resource(SubscriptionIT.subscription(receiver.endpoint()))
                .execute();
        north.transaction()
                .withBundle(LoadDemoData.withDates(readDemoPatients(), OffsetDateTime.now(ZoneOffset.UTC)))
                .execute();
        List<String> recommendations = new ArrayList<>();
        for (String patient : List.of("105", "108")) {
            Parameters evaluated = north.operation()
                    .onInstance("Patient/" + patient)
                    .named("$evaluate")
                    .withNoParameters(Parameters.class)
                    .execute();
            evaluated.getParameter().stream()
                    .flatMap(parameter -> parameter.getPart().stream())
                    .filter(part -> part.getResource() instanceof ServiceRequest)
                    .forEach(part -> recommendations.add("/notify/ServiceRequest/"
                            + part.getResource().getIdElement().getIdPart()));
        }
        assertThat(recommendations).hasSize(3);
        return recommendations;
    }

    private static String readDemoPatients() {
        try {
            return Files.readString(Path.of("src/demo/demo-patients.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ConfigurableApplicationContext start(String database) {
        return StandaloneServer.start(
                database,
                "--rehab.subscriptions.allowed-endpoints=http://127.0.0.1:",
                "--rehab.subscriptions.retry-initial-delay=200ms",
                "--rehab.subscriptions.retry-max-delay=1s",
                "--rehab.subscriptions.poll-interval=50ms");
    }

    private static IGenericClient client(ConfigurableApplicationContext server) {
        int port = ((WebServerApplicationContext) server).getWebServer().getPort();
        FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        return FHIR.newRestfulGenericClient("http://localhost:" + port + "/fhir/north");
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("waited 30 s").isBefore(deadline);
            Thread.sleep(50);
        }
    }
}
