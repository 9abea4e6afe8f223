package org.rehab.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.rehab.testsupport.MllpTestPeer;

/**
 * Load generator for the HL7 v2 alerts, run by src/bench/alerts.sh against a running server:
 * {@code AlertBenchmark <tenant base URL> <patients per phase>}. An MLLP peer runs in this JVM (AA to everything)
 * and is registered as the tenant's Endpoint. Phase 1: patients are evaluated by 4 clients while the peer is up,
 * and each alert's time from its creation (MSH-7, in the transaction of the ServiceRequest) to the peer's receipt
 * is measured. Phase 2: the peer is down while as many alerts pile up; then it comes back, and the rate at which
 * the backlog is delivered is measured.
 */
public final class AlertBenchmark {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final DateTimeFormatter MSH_7 = DateTimeFormatter.ofPattern("yyyyMMddHHmmss.SSSZ");

    private AlertBenchmark() {}

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int patients = Integer.parseInt(args[1]);
        try (MllpTestPeer engine = MllpTestPeer.start()) {
            put(
                    base,
                    "Endpoint/engine",
                    "{\"resourceType\":\"Endpoint\",\"id\":\"engine\",\"status\":\"active\","
                            + "\"connectionType\":{\"system\":\"http://terminology.hl7.org/CodeSystem/endpoint-connection-type\","
                            + "\"code\":\"hl7v2-mllp\"},\"payloadType\":[{\"text\":\"HL7 v2\"}],"
                            + "\"address\":\"mllp://127.0.0.1:" + engine.port() + "\"}");
            for (int i = 0; i < 2 * patients; i += 50) {
                post(base, History.obesePatients(i, Math.min(50, 2 * patients - i)));
            }

            List<String> first = ids(0, patients);
            evaluateAll(base, first);
            waitFor(engine, patients, Duration.ofMinutes(5));
            long[] latencies = engine.received().stream()
                    .mapToLong(
                            r -> Duration.between(created(r.message()), r.at()).toNanos())
                    .sorted()
                    .toArray();
            System.out.printf(
                    Locale.ROOT,
                    "alerts while the engine is up (%d, 4 clients evaluating): creation to receipt p50 %.1f ms,"
                            + " p95 %.1f ms, p99 %.1f ms%n",
                    latencies.length,
                    percentile(latencies, 50),
                    percentile(latencies, 95),
                    percentile(latencies, 99));

            engine.goDown();
            evaluateAll(base, ids(patients, 2 * patients));
            int before = engine.received().size();
            engine.comeBack();
            waitFor(engine, before + patients, Duration.ofMinutes(10));
            List<Instant> backlog = engine
                    .received()
                    .subList(before, engine.received().size())
                    .stream()
                    .map(MllpTestPeer.Received::at)
                    .sorted()
                    .toList();
            double seconds = Duration.between(backlog.get(0), backlog.get(backlog.size() - 1))
                            .toNanos()
                    / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "backlog of %d alerts delivered in %.2f s: %.0f alerts/s (duplicates: %d)%n",
                    backlog.size(),
                    seconds,
                    (backlog.size() - 1) / seconds,
                    engine.received().size()
                            - engine.received().stream()
                                    .map(MllpTestPeer.Received::controlId)
                                    .distinct()
                                    .count());
        }
    }

    private static void evaluateAll(String base, List<String> patients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> futures = new ArrayList<>();
        for (String patient : patients) {
            futures.add(pool.submit(() -> {
                send(HttpRequest.newBuilder(URI.create(base + "/Patient/" + patient + "/$evaluate"))
                        .POST(HttpRequest.BodyPublishers.noBody()));
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
        pool.shutdown();
    }

    private static void waitFor(MllpTestPeer engine, int count, Duration atMost) throws InterruptedException {
        Instant deadline = Instant.now().plus(atMost);
        while (engine.received().size() < count) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(
                        "Only " + engine.received().size() + " of " + count + " alerts arrived");
            }
            Thread.sleep(20);
        }
    }

    private static Instant created(String message) {
        String msh7 = message.split("\r")[0].split("\\|", -1)[6];
        return OffsetDateTime.parse(msh7, MSH_7).toInstant();
    }

    private static List<String> ids(int from, int to) {
        List<String> ids = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ids.add("obese-" + i);
        }
        return ids;
    }

    private static double percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)] / 1e6;
    }

    private static void put(String base, String path, String body) throws Exception {
        send(HttpRequest.newBuilder(URI.create(base + "/" + path))
                .header("Content-Type", "application/fhir+json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static void post(String url, String body) throws Exception {
        send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static void send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(response.statusCode() + ": " + response.body());
        }
    }
}
