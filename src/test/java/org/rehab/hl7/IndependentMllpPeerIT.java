package org.rehab.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.FhirServerIT;

/**
 * Alerts reach an MLLP listener we did not write, Debian's {@code python3-hl7} (installed by {@code .ci/run}): with its
 * default decoding (7-bit ASCII) and, when the Endpoint asks for UTF-8, with a listener that reads UTF-8.
 */
class IndependentMllpPeerIT extends FhirServerIT {

    private static final String PYTHON = "/usr/bin/python3"; // Debian's, where python3-hl7 is installed

    private Process peer;
    private final List<String> printed = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopThePeer() {
        if (peer != null) {
            peer.destroy();
        }
    }

    @Test
    void anAsciiPeerAcceptsTheAlertsOfAPatientNamedWithAccentsEscaped() throws Exception {
        String tenant = hospitalWithPeer(null, null);
        nameWithAccents(tenant);

        evaluate(tenant, "108", false);

        eventually("both alerts acknowledged by python3-hl7", () -> completed(tenant) == 2);
        assertThat(printed).doesNotContain("undecodable");
        assertThat(printed)
                .filteredOn(line -> line.startsWith("PID|"))
                .hasSize(2)
                .allSatisfy(pid -> assertThat(pid).contains("M\\XC3BC\\ller^Jos\\XC3A9\\"));
        assertThat(printed).filteredOn(line -> line.startsWith("MSH|")).allMatch(msh -> msh.contains("|ASCII"));
    }

    @Test
    void aUtf8PeerGetsTheNameAsItIsWhenItsEndpointAsksForUtf8() throws Exception {
        String tenant = hospitalWithPeer("utf-8", "x-application/hl7-v2+er7; charset=UTF-8");
        nameWithAccents(tenant);

        evaluate(tenant, "108", false);

        eventually("both alerts acknowledged by python3-hl7", () -> completed(tenant) == 2);
        assertThat(printed)
                .filteredOn(line -> line.startsWith("PID|"))
                .hasSize(2)
                .allSatisfy(pid -> assertThat(pid).contains("Müller^José"));
        assertThat(printed).filteredOn(line -> line.startsWith("MSH|")).allMatch(msh -> msh.contains("|UNICODE UTF-8"));
    }

    /** A hospital with the demo patients whose engine is python3-hl7 reading this encoding (null: its default). */
    private String hospitalWithPeer(String encoding, String payloadMimeType) throws IOException, InterruptedException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        List<String> command = new java.util.ArrayList<>(List.of(
                PYTHON, Path.of("src/test/resources/hl7/python-hl7-peer.py").toString(), String.valueOf(port)));
        if (encoding != null) {
            command.add(encoding);
        }
        peer = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader output =
                new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
        String first = output.readLine();
        assertThat(first).as("python3-hl7's listener started").isEqualTo("listening");
        Thread reader = new Thread(() -> output.lines().forEach(printed::add), "python3-hl7-output");
        reader.setDaemon(true);
        reader.start();

        String tenant = createTenant("pyhl7");
        Endpoint endpoint = new Endpoint();
        endpoint.setId("engine");
        endpoint.setStatus(Endpoint.EndpointStatus.ACTIVE);
        endpoint.setName("PYTHON-HL7");
        endpoint.setConnectionType(
                new Coding("http://terminology.hl7.org/CodeSystem/endpoint-connection-type", "hl7v2-mllp", null));
        endpoint.addPayloadType(new CodeableConcept().setText("HL7 v2 orders"));
        if (payloadMimeType != null) {
            endpoint.addPayloadMimeType(payloadMimeType);
        }
        endpoint.setAddress("mllp://127.0.0.1:" + port);
        client(tenant).update().resource(endpoint).execute();
        loadDemoData(tenant);
        return tenant;
    }

    private void nameWithAccents(String tenant) {
        Patient patient =
                client(tenant).read().resource(Patient.class).withId("108").execute();
        patient.getNameFirstRep().setFamily("Müller").getGiven().clear();
        patient.getNameFirstRep().addGiven("José");
        client(tenant).update().resource(patient).execute();
    }

    private long completed(String tenant) {
        return communications(tenant).stream()
                .filter(communication -> communication.getStatus() == Communication.CommunicationStatus.COMPLETED)
                .count();
    }
}
