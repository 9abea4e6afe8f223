package org.rehab.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.ClinicalFixtures;
import org.rehab.testsupport.MllpTestPeer;
import org.rehab.testsupport.StandaloneServer;
import org.rehab.testsupport.TestPostgres;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The HL7 v2 interfaces in both directions while their PostgreSQL restarts (new connections refused and every
 * open one ended, as a restart does): an ADT message the server cannot take is answered AR and applied once when
 * the engine sends it again; an alert whose delivery could not be recorded is sent again under its control id once
 * its lease runs out, and every recommendation gets exactly one alert.
 */
class DatabaseRestartIT {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String DATABASE = "rehab_database_restart";
    private static final String MRN = "urn:rehab:north:mrn";
    private static final Duration DOWN = Duration.ofSeconds(4);

    private static ConfigurableApplicationContext server;
    private static int adtPort;

    @BeforeAll
    static void startServer() throws IOException {
        String url = TestPostgres.createDatabase(DATABASE);
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            adtPort = free.getLocalPort();
        }
        server = StandaloneServer.start(
                url,
                "--rehab.adt.ports.north=" + adtPort,
                "--rehab.hl7.lease=5s",
                "--rehab.hl7.connect-timeout=1s",
                "--rehab.hl7.ack-timeout=1s",
                "--spring.datasource.hikari.connection-timeout=1000");
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void adtMessagesTheServerCouldNotTakeAreAnsweredArAndAppliedOnceWhenSentAgain() throws Exception {
        String run = Long.toHexString(System.nanoTime());
        int messages = 40;
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger notNow = new AtomicInteger();
        CompletableFuture<Void> engine = CompletableFuture.runAsync(() -> {
            try {
                sendAsAnEngine(run, messages, accepted, notNow);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        eventually(() -> accepted.get() >= 10);

        restartDatabase();
        engine.get(180, TimeUnit.SECONDS);

        assertThat(notNow.get())
                .as("messages answered AR while the database was down")
                .isPositive();
        for (int i = 0; i < messages; i++) {
            String mrn = "R" + run + "-" + i;
            assertThat(count("Patient?identifier=" + MRN + "|" + mrn))
                    .as("Patients with MRN " + mrn)
                    .isOne();
            assertThat(count("Encounter?identifier=urn:rehab:north:visit|V" + mrn))
                    .as("visits V" + mrn)
                    .isOne();
        }
    }

    private static int count(String search) {
        return north().search()
                .byUrl(search)
                .returnBundle(Bundle.class)
                .execute()
                .getEntry()
                .size();
    }

    @Test
    void alertsInFlightWhileTheDatabaseRestartsReachTheEngineOnceEach() throws Exception {
        int patients = 12;
        String run = Long.toHexString(System.nanoTime());
        try (MllpTestPeer engine = MllpTestPeer.start()) {
            for (int i = 0; i < patients * 2; i++) {
                engine.script(MllpTestPeer.Answer.slow("AA", Duration.ofMillis(400)));
            }
            north().update().resource(engine.endpoint("engine-" + run)).execute();
            Bundle records = new Bundle().setType(Bundle.BundleType.TRANSACTION);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < patients; i++) {
                String id = "r" + run + "-" + i;
                ids.add(id);
                ClinicalFixtures.put(records, patient(id));
                Observation bmi = ClinicalFixtures.bmi(id, "33.0");
                bmi.setId(id + "-bmi");
                ClinicalFixtures.put(records, bmi);
            }
            north().transaction().withBundle(records).execute();
            for (String id : ids) {
                north().operation()
                        .onInstance("Patient/" + id)
                        .named("$evaluate")
                        .withNoParameters(Parameters.class)
                        .execute();
            }
            eventually(() -> !engine.received().isEmpty());

            restartDatabase();

            eventually(Duration.ofSeconds(90), () -> completedFor(ids).size() == patients);
            Set<String> controlIds = new HashSet<>(engine.accepted());
            assertThat(controlIds).as("one alert per recommendation").hasSize(patients);
            assertThat(completedFor(ids)).hasSize(patients);
            long sentAgain = engine.accepted().size() - controlIds.size();
            System.out.println("Alerts sent again under their control id after the restart: " + sentAgain);
        }
    }

    /**
     * An interface engine: each message on one connection until it is answered AA, sent again after an AR or a
     * dropped connection.
     */
    private static void sendAsAnEngine(String run, int messages, AtomicInteger accepted, AtomicInteger notNow)
            throws Exception {
        Socket socket = null;
        try {
            for (int i = 0; i < messages; i++) {
                byte[] message = a04(run, i).getBytes(StandardCharsets.US_ASCII);
                while (true) {
                    try {
                        if (socket == null) {
                            socket = new Socket("127.0.0.1", adtPort);
                            socket.setSoTimeout(30_000);
                        }
                        MllpFrames.write(socket.getOutputStream(), message);
                        byte[] ack = MllpFrames.read(socket.getInputStream(), 1 << 20);
                        String text = ack == null ? "" : new String(ack, StandardCharsets.US_ASCII);
                        if (text.contains("MSA|AA|")) {
                            accepted.incrementAndGet();
                            break;
                        }
                        assertThat(text).as("answer to message " + i).contains("MSA|AR|");
                        notNow.incrementAndGet();
                    } catch (IOException dropped) {
                        if (socket != null) {
                            socket.close();
                        }
                        socket = null;
                    }
                    Thread.sleep(200);
                }
            }
        } finally {
            if (socket != null) {
                socket.close();
            }
        }
    }

    private static String a04(String run, int i) {
        String mrn = "R" + run + "-" + i;
        String[] pv1 = new String[20];
        Arrays.fill(pv1, "");
        pv1[0] = "PV1";
        pv1[1] = "1";
        pv1[2] = "O";
        pv1[19] = "V" + mrn;
        return String.join(
                "\r",
                "MSH|^~\\&|EPIC|NORTH-HOSP|REHAB|north|20261202093000||ADT^A04^ADT_A01|C" + mrn + "|P|2.5.1",
                "EVN|A04|20261202093000",
                "PID|1||" + mrn + "^^^NORTH^MR||Restart^Robin||19540301|F",
                String.join("|", pv1));
    }

    /** Refuses new connections to the server's database and ends those it holds, then lets them in again. */
    private static void restartDatabase() throws SQLException, InterruptedException {
        try (Connection connection = TestPostgres.server().getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("ALTER DATABASE " + DATABASE + " ALLOW_CONNECTIONS false");
            statement.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + DATABASE + "'");
            Thread.sleep(DOWN.toMillis());
            statement.execute("ALTER DATABASE " + DATABASE + " ALLOW_CONNECTIONS true");
        }
    }

    /** The completed alert Communications about the patients' recommendations. */
    private static List<Communication> completedFor(List<String> patients) {
        Set<String> subjects = patients.stream().map(id -> "Patient/" + id).collect(Collectors.toSet());
        return north()
                .search()
                .forResource(Communication.class)
                .count(500)
                .returnBundle(Bundle.class)
                .execute()
                .getEntry()
                .stream()
                .map(entry -> (Communication) entry.getResource())
                .filter(c -> c.getStatus() == Communication.CommunicationStatus.COMPLETED)
                .filter(c -> subjects.contains(c.getSubject().getReference()))
                .toList();
    }

    private static Patient patient(String id) {
        Patient patient = new Patient();
        patient.setId(id);
        patient.addIdentifier(new Identifier().setSystem(MRN).setValue(id));
        patient.addName().setFamily("Restart").addGiven("Robin");
        patient.setBirthDateElement(new DateType("1960-05-01"));
        return patient;
    }

    private static IGenericClient north() {
        int port = ((WebServerApplicationContext) server).getWebServer().getPort();
        FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        return FHIR.newRestfulGenericClient("http://localhost:" + port + "/fhir/north");
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        eventually(Duration.ofSeconds(60), condition);
    }

    private static void eventually(Duration within, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(within);
        while (!holds(condition)) {
            assertThat(Instant.now()).as("waited " + within).isBefore(deadline);
            Thread.sleep(100);
        }
    }

    /** Whether the condition holds; not yet if the server cannot answer now (its database just came back). */
    private static boolean holds(BooleanSupplier condition) {
        try {
            return condition.getAsBoolean();
        } catch (RuntimeException notNow) {
            return false;
        }
    }
}
