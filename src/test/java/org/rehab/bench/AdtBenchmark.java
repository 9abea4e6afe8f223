package org.rehab.bench;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.rehab.hl7.MllpFrames;

/**
 * Load generator for the inbound ADT feed, run by src/bench/adt.sh against a running server. 4 senders, each on its
 * own connection and waiting for each answer: first A04 registrations of new patients (a Patient and an Encounter
 * each), then A08 updates of the same patients. Prints each phase's rate and its send-to-answer times.
 *
 * <ul>
 *   <li>{@code AdtBenchmark mllp <host> <port> <messages per phase>}: HL7 v2 over MLLP to a hospital's ADT
 *       listener; every ACK must be AA.
 *   <li>{@code AdtBenchmark fhir <base> <messages per phase>}: what an interface engine sends a plain FHIR server
 *       for the same messages: a transaction of conditional updates by identifier (the Patient, and for A04 its
 *       Encounter); every entry must be stored.
 * </ul>
 */
public final class AdtBenchmark {

    private static final int SENDERS = 4;
    private static final String MRN = "urn:rehab:north:mrn";
    private static final String VISIT = "urn:rehab:north:visit";

    private AdtBenchmark() {}

    /** One sender's connection. */
    private interface Channel extends AutoCloseable {
        void send(String trigger, int i) throws Exception;
    }

    private interface Channels {
        Channel open() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        String run = Long.toHexString(System.currentTimeMillis());
        Channels channels;
        int messages;
        if ("fhir".equals(args[0])) {
            HttpClient http = HttpClient.newHttpClient();
            URI base = URI.create(args[1]);
            channels = () -> fhirChannel(http, base, run);
            messages = Integer.parseInt(args[2]);
        } else {
            String host = args[1];
            int port = Integer.parseInt(args[2]);
            channels = () -> mllpChannel(host, port, run);
            messages = Integer.parseInt(args[3]);
        }
        phase("A04 registrations (Patient + Encounter)", "A04", messages, channels);
        phase("A08 updates of the same patients", "A08", messages, channels);
    }

    private static void phase(String name, String trigger, int messages, Channels channels) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        List<Future<long[]>> results = new ArrayList<>();
        long start = System.nanoTime();
        for (int s = 0; s < SENDERS; s++) {
            int sender = s;
            results.add(senders.submit(() -> send(channels, trigger, sender, messages)));
        }
        long[] times = new long[0];
        for (Future<long[]> result : results) {
            long[] some = result.get();
            long[] all = Arrays.copyOf(times, times.length + some.length);
            System.arraycopy(some, 0, all, times.length, some.length);
            times = all;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        senders.shutdown();
        Arrays.sort(times);
        System.out.printf(
                Locale.ROOT,
                "%s: %d messages in %.2f s = %.0f messages/s; send to answer p50 %.1f ms, p95 %.1f ms, p99 %.1f ms%n",
                name,
                times.length,
                seconds,
                times.length / seconds,
                percentile(times, 50),
                percentile(times, 95),
                percentile(times, 99));
    }

    /** One sender's share (every SENDERS-th message), on one connection; the time of each. */
    private static long[] send(Channels channels, String trigger, int sender, int messages) throws Exception {
        List<Long> times = new ArrayList<>();
        try (Channel channel = channels.open()) {
            for (int i = sender; i < messages; i += SENDERS) {
                long start = System.nanoTime();
                channel.send(trigger, i);
                times.add(System.nanoTime() - start);
            }
        }
        return times.stream().mapToLong(Long::longValue).toArray();
    }

    private static Channel mllpChannel(String host, int port, String run) throws IOException {
        Socket socket = new Socket(host, port);
        socket.setTcpNoDelay(true);
        return new Channel() {
            @Override
            public void send(String trigger, int i) throws IOException {
                MllpFrames.write(
                        socket.getOutputStream(), message(trigger, run, i).getBytes(StandardCharsets.US_ASCII));
                byte[] ack = MllpFrames.read(socket.getInputStream(), 1 << 20);
                String text = ack == null ? "" : new String(ack, StandardCharsets.US_ASCII);
                if (!text.contains("MSA|AA|")) {
                    throw new IllegalStateException("Not accepted: " + text.replace('\r', '\n'));
                }
            }

            @Override
            public void close() throws IOException {
                socket.close();
            }
        };
    }

    private static Channel fhirChannel(HttpClient http, URI base, String run) {
        return new Channel() {
            @Override
            public void send(String trigger, int i) throws Exception {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(base)
                                .header("Content-Type", "application/fhir+json")
                                .POST(HttpRequest.BodyPublishers.ofString(transaction(trigger, run, i)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200 || response.body().matches("(?s).*\"status\": ?\"[^2].*")) {
                    throw new IllegalStateException("Not stored: " + response.statusCode() + " " + response.body());
                }
            }

            @Override
            public void close() {}
        };
    }

    /** The FHIR transaction an interface engine makes of the same message: conditional updates by identifier. */
    private static String transaction(String trigger, String run, int i) {
        String mrn = "B" + run + "-" + i;
        String patient =
                """
                {"resourceType": "Patient", "identifier": [{"system": "%s", "value": "%s"}],
                 "name": [{"family": "Patient%d", "given": ["%s"]}], "gender": "female", "birthDate": "1954-03-01",
                 "address": [{"line": ["12 Harbour Road"], "city": "Leeds", "postalCode": "LS1 4AB", "country": "GB"}],
                 "telecom": [{"system": "phone", "value": "0113 496 0000"}]}"""
                        .formatted(MRN, mrn, i, trigger.equals("A04") ? "Ada" : "Ada-Marie");
        String entries =
                """
                {"fullUrl": "urn:uuid:%s", "resource": %s,
                 "request": {"method": "PUT", "url": "Patient?identifier=%s|%s"}}"""
                        .formatted(UUID.nameUUIDFromBytes(mrn.getBytes(StandardCharsets.UTF_8)), patient, MRN, mrn);
        if (trigger.equals("A04")) {
            entries +=
                    """
                    , {"resource": {"resourceType": "Encounter", "identifier": [{"system": "%s", "value": "V%s"}],
                       "status": "in-progress", "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                       "code": "AMB"}, "subject": {"reference": "urn:uuid:%s"},
                       "period": {"start": "2026-12-02T08:00:00Z"}},
                       "request": {"method": "PUT", "url": "Encounter?identifier=%s|V%s"}}"""
                            .formatted(
                                    VISIT,
                                    mrn,
                                    UUID.nameUUIDFromBytes(mrn.getBytes(StandardCharsets.UTF_8)),
                                    VISIT,
                                    mrn);
        }
        return "{\"resourceType\": \"Bundle\", \"type\": \"transaction\", \"entry\": [" + entries + "]}";
    }

    private static String message(String trigger, String run, int i) {
        String mrn = "B" + run + "-" + i;
        String[] pv1 = new String[45];
        Arrays.fill(pv1, "");
        pv1[0] = "PV1";
        pv1[1] = "1";
        pv1[2] = "O";
        pv1[19] = "V" + mrn;
        pv1[44] = "20261202080000";
        return String.join(
                "\r",
                "MSH|^~\\&|EPIC|NORTH-HOSP|REHAB|north|20261202093000||ADT^" + trigger + "^ADT_A01|" + trigger + mrn
                        + "|P|2.5.1",
                "EVN|" + trigger + "|20261202093000",
                "PID|1||" + mrn + "^^^NORTH^MR||Patient" + i + "^" + (trigger.equals("A04") ? "Ada" : "Ada-Marie")
                        + "||19540301|F|||12 Harbour Road^^Leeds^^LS1 4AB^GB||0113 496 0000",
                String.join("|", pv1));
    }

    private static double percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)] / 1e6;
    }
}
