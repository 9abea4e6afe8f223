package org.rehab.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rehab.demo.LoadDemoData;

/**
 * Load generator for {@code Patient/$evaluate}, run by src/bench/evaluate.sh against a running server:
 * {@code EvaluateBenchmark <tenant base URL> <label> <background patients> <seconds per measurement>}. Loads the
 * demo patients, a patient with a long history (hundreds of observations and procedures) and background patients,
 * then measures: the first evaluation of patients (which writes their recommendations); repeated evaluations of
 * patients whose record has not changed (facts cached); and evaluations that must read the record (dry runs of
 * patients not yet evaluated, and of the long history after a change to it), with 1 and 4 clients.
 */
public final class EvaluateBenchmark {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** Pause before each interleaved turn, so that neither build's turn pays for the other's leftover work. */
    private static final long SETTLE_MILLIS = 2_000;

    private EvaluateBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args[0].equals("interleaved")) {
            interleaved(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            return;
        }
        String base = args[0];
        String label = args[1];
        if (args[2].equals("synthea")) {
            synthea(base, label, Integer.parseInt(args[3]));
            return;
        }
        int background = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);

        post(
                base,
                LoadDemoData.withDates(
                        Files.readString(Path.of("src/demo/demo-patients.json")), OffsetDateTime.now(ZoneOffset.UTC)));
        post(base, History.longHistory("900"));
        for (int i = 0; i < background; i += 20) {
            post(base, History.backgroundPatients(i, Math.min(20, background - i)));
        }
        List<String> demo = List.of("108", "105", "102");
        List<String> others = new ArrayList<>();
        for (int i = 0; i < background; i++) {
            others.add("bg-" + i);
        }
        int quarter = background / 4;

        measure(base, demo, 4, seconds / 2, false); // warm-up, and the demo patients' recommendations are written
        evaluate(base, "900", false);
        report(label, "first evaluation, writes", once(base, others.subList(0, 2 * quarter), 4, false));
        report(label, "unchanged record (cached)", measure(base, demo, 1, seconds, false));
        report(label, "unchanged record (cached)", measure(base, demo, 4, seconds, false));
        report(label, "long history, cached", measure(base, List.of("900"), 4, seconds, false));
        report(label, "record read (dry run)", once(base, others.subList(2 * quarter, 3 * quarter), 1, true));
        report(label, "record read (dry run)", once(base, others.subList(3 * quarter, 4 * quarter), 4, true));
        report(label, "long history, record read", measure(base, List.of("900"), 1, seconds, true, true));
    }

    /**
     * {@code EvaluateBenchmark <tenant base URL> <label> synthea <seconds>}: the patients already loaded (a Synthea
     * population, src/bench/evaluate.sh synthea), each evaluated once with writes, then again and again unchanged.
     * The server is warmed up first on the demo patients in the other tenant, as a server that has been running is.
     */
    private static void synthea(String base, String label, int seconds) throws Exception {
        String otherTenant = base.substring(0, base.lastIndexOf('/')) + "/south";
        post(
                otherTenant,
                LoadDemoData.withDates(
                        Files.readString(Path.of("src/demo/demo-patients.json")), OffsetDateTime.now(ZoneOffset.UTC)));
        measure(otherTenant, List.of("108", "105", "102"), 4, seconds / 2, false);

        HttpResponse<String> search = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/Patient?_elements=id&_count=1000"))
                        .header("Accept", "application/fhir+json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        List<String> patients = new ArrayList<>();
        for (var entry : new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(search.body())
                .path("entry")) {
            patients.add(entry.path("resource").path("id").asText());
        }
        report(label, "Synthea, first, writes", once(base, patients, 4, false));
        report(label, "Synthea, unchanged record", measure(base, patients, 1, seconds, false));
        report(label, "Synthea, unchanged record", measure(base, patients, 4, seconds, false));
    }

    /**
     * {@code EvaluateBenchmark interleaved <tenant base URL> <baseline's tenant base URL> <seconds> <rounds>}: two
     * builds running at once, loaded alike, measured in turns (this build, the baseline, the baseline, this build,
     * ...) on unchanged records with 1 and 4 clients, so that a machine whose speed drifts favours neither, with a
     * pause before each turn. Prints each build's rates over all its turns, their ratio, and the ratio in each block
     * of four turns: their spread is the run's own noise (run a build against itself to see the harness's).
     */
    private static void interleaved(String base, String baseline, int seconds, int rounds) throws Exception {
        List<String> demo = List.of("108", "105", "102");
        for (String server : List.of(base, baseline)) {
            post(
                    server,
                    LoadDemoData.withDates(
                            Files.readString(Path.of("src/demo/demo-patients.json")),
                            OffsetDateTime.now(ZoneOffset.UTC)));
            post(server, History.longHistory("900"));
            measure(server, demo, 4, seconds, false); // warm-up, and the recommendations are written
            evaluate(server, "900", false);
        }
        for (int clients : new int[] {1, 4}) {
            List<Long> ours = new ArrayList<>();
            List<Long> theirs = new ArrayList<>();
            double oursSeconds = 0;
            double theirsSeconds = 0;
            List<Double> blockRatios = new ArrayList<>();
            double[] block = new double[4]; // evaluations and seconds, ours then theirs, in one ABBA block
            for (int turn = 0; turn < 2 * rounds; turn++) {
                boolean oursTurn = turn % 4 == 0 || turn % 4 == 3;
                Thread.sleep(SETTLE_MILLIS); // the other build's work left over from its turn (the audit trail) ends
                Result result = measure(oursTurn ? base : baseline, demo, clients, seconds, false);
                for (long nanos : result.nanos()) {
                    (oursTurn ? ours : theirs).add(nanos);
                }
                if (oursTurn) {
                    oursSeconds += result.seconds();
                } else {
                    theirsSeconds += result.seconds();
                }
                block[oursTurn ? 0 : 2] += result.nanos().length;
                block[oursTurn ? 1 : 3] += result.seconds();
                if (turn % 4 == 3 || turn == 2 * rounds - 1) {
                    blockRatios.add((block[0] / block[1]) / (block[2] / block[3]));
                    block = new double[4];
                }
            }
            Result oursAll = new Result(clients, sorted(ours), oursSeconds);
            Result theirsAll = new Result(clients, sorted(theirs), theirsSeconds);
            report("this build", "unchanged record, in turns", oursAll);
            report("baseline", "unchanged record, in turns", theirsAll);
            List<Double> spread = blockRatios.stream().sorted().toList();
            System.out.printf(
                    Locale.ROOT,
                    "ratio (this build / baseline), %d client%s: %.2f over all turns; blocks of four turns %s%n",
                    clients,
                    clients == 1 ? "" : "s",
                    (ours.size() / oursSeconds) / (theirs.size() / theirsSeconds),
                    spread.stream()
                            .map(r -> String.format(Locale.ROOT, "%.2f", r))
                            .toList());
        }
    }

    private static long[] sorted(List<Long> nanos) {
        return nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    private record Result(int clients, long[] nanos, double seconds) {}

    /** Evaluates the patients over and over for a while, each client going round the list. */
    private static Result measure(String base, List<String> patients, int clients, int seconds, boolean dryRun)
            throws Exception {
        return measure(base, patients, clients, seconds, dryRun, false);
    }

    /**
     * As above; with {@code afterChange}, each evaluation first changes the patient's record (a new heart-rate
     * Observation, not timed) so that the record must be read again.
     */
    private static Result measure(
            String base, List<String> patients, int clients, int seconds, boolean dryRun, boolean afterChange)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicBoolean running = new AtomicBoolean(true);
        List<Future<List<Long>>> futures = new ArrayList<>();
        long start = System.nanoTime();
        long[] untimed = new long[clients];
        for (int c = 0; c < clients; c++) {
            int client = c;
            futures.add(pool.submit(() -> {
                List<Long> timings = new ArrayList<>();
                for (int i = client; running.get(); i++) {
                    String patient = patients.get(i % patients.size());
                    if (afterChange) {
                        long changing = System.nanoTime();
                        post(base, History.heartRate(patient));
                        untimed[client] += System.nanoTime() - changing;
                    }
                    long begin = System.nanoTime();
                    evaluate(base, patient, dryRun);
                    timings.add(System.nanoTime() - begin);
                }
                return timings;
            }));
        }
        Thread.sleep(seconds * 1000L);
        running.set(false);
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> future : futures) {
            all.addAll(future.get());
        }
        double elapsed = (System.nanoTime() - start) / 1e9
                - java.util.Arrays.stream(untimed).max().orElse(0) / 1e9;
        pool.shutdown();
        return new Result(clients, sorted(all), elapsed);
    }

    /** Evaluates each patient once, the clients sharing the list. */
    private static Result once(String base, List<String> patients, int clients, boolean dryRun) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<Long>> futures = new ArrayList<>();
        long start = System.nanoTime();
        for (String patient : patients) {
            futures.add(pool.submit(() -> {
                long begin = System.nanoTime();
                evaluate(base, patient, dryRun);
                return System.nanoTime() - begin;
            }));
        }
        List<Long> all = new ArrayList<>();
        for (Future<Long> future : futures) {
            all.add(future.get());
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return new Result(clients, sorted(all), elapsed);
    }

    private static void report(String label, String patients, Result result) {
        long[] n = result.nanos();
        System.out.printf(
                Locale.ROOT,
                "%-11s %-27s %d client%s  p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  %7.1f evaluations/s  (n=%d)%n",
                label,
                patients,
                result.clients(),
                result.clients() == 1 ? " " : "s",
                percentile(n, 50),
                percentile(n, 95),
                percentile(n, 99),
                n.length / result.seconds(),
                n.length);
    }

    private static double percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)] / 1e6;
    }

    private static void evaluate(String base, String patient, boolean dryRun) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                base + "/Patient/" + patient + "/$evaluate" + (dryRun ? "?dryRun=true" : "")))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "$evaluate of " + patient + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    private static void post(String base, String bundle) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(base))
                        .header("Content-Type", "application/fhir+json")
                        .POST(HttpRequest.BodyPublishers.ofString(bundle))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Loading data answered " + response.statusCode() + ": "
                    + response.body()
                            .substring(0, Math.min(2000, response.body().length())));
        }
    }
}
