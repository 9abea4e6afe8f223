package org.rehab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Loads a Synthea population over FHIR REST, as an EHR's initial load would, and prints the rate: run by
 * src/bench/ingest.sh against each server in turn. {@code IngestBenchmark <FHIR base> <label> <corpus dir>
 * <clients> <largest bundle in bytes> [smallest bundle in bytes]}: the hospital and practitioner batch bundles first (the patient bundles
 * refer to them), then every patient bundle between the sizes given, largest first, shared among the clients. The
 * bundles are sent as Synthea wrote them. Every entry's own status is read (a batch answers 200 whatever its
 * entries did); entries that were not stored are counted and printed, and do not count as ingested.
 */
public final class IngestBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private IngestBenchmark() {}

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String label = args[1];
        Path corpus = Path.of(args[2]);
        int clients = Integer.parseInt(args[3]);
        long largest = Long.parseLong(args[4]);
        long smallest = args.length > 5 ? Long.parseLong(args[5]) : 0;

        List<Path> batches = new ArrayList<>();
        List<Path> patients = new ArrayList<>();
        try (Stream<Path> files = Files.list(corpus)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith("hospitalInformation") || name.startsWith("practitionerInformation")) {
                    batches.add(file);
                } else if (name.endsWith(".json") && Files.size(file) <= largest && Files.size(file) >= smallest) {
                    patients.add(file);
                }
            }
        }
        batches.sort(Comparator.comparing(file -> file.getFileName().toString().startsWith("practitioner")));
        patients.sort(Comparator.comparingLong(IngestBenchmark::size).reversed());

        Map<String, Integer> outcomes = new TreeMap<>();
        AtomicInteger stored = new AtomicInteger();
        long start = System.nanoTime();
        for (Path batch : batches) {
            stored.addAndGet(send(base, batch, outcomes));
        }
        ConcurrentLinkedQueue<Path> queue = new ConcurrentLinkedQueue<>(patients);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> workers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            workers.add(pool.submit(() -> {
                for (Path next = queue.poll(); next != null; next = queue.poll()) {
                    stored.addAndGet(send(base, next, outcomes));
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;

        System.out.printf(
                Locale.ROOT,
                "%s: %d resources stored from %d bundles in %.1f s: %.1f resources/s (%d clients); entries not"
                        + " stored: %s%n",
                label,
                stored.get(),
                batches.size() + patients.size(),
                seconds,
                stored.get() / seconds,
                clients,
                outcomes.isEmpty() ? "none" : outcomes);
    }

    /** Posts one bundle; returns how many of its entries were stored, and tallies the others by status. */
    private static int send(String base, Path bundle, Map<String, Integer> outcomes)
            throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(base))
                        .timeout(Duration.ofMinutes(30))
                        .header("Content-Type", "application/fhir+json")
                        .header("Accept", "application/fhir+json")
                        .header("Prefer", "return=minimal")
                        .POST(HttpRequest.BodyPublishers.ofFile(bundle))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            String status = "bundle " + response.statusCode();
            synchronized (outcomes) {
                outcomes.merge(status, 1, Integer::sum);
            }
            System.err.println(bundle.getFileName().toString().replaceAll("_.*", "_…") + ": " + response.statusCode()
                    + " "
                    + response.body().substring(0, Math.min(400, response.body().length())));
            return 0;
        }
        int stored = 0;
        for (JsonNode entry : JSON.readTree(response.body()).path("entry")) {
            String status = entry.path("response").path("status").asText();
            if (status.startsWith("200") || status.startsWith("201")) {
                stored++;
            } else {
                synchronized (outcomes) {
                    outcomes.merge(status, 1, Integer::sum);
                }
            }
        }
        return stored;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
