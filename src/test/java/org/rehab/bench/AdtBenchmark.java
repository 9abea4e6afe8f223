package org.rehab.bench;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.rehab.hl7.MllpFrames;

/**
 * Load generator for the inbound ADT feed, run by src/bench/adt.sh against a running server:
 * {@code AdtBenchmark <host> <port> <messages per phase>}. 4 senders, each on its own MLLP connection and waiting
 * for each ACK: first A04 registrations of new patients (a Patient and an Encounter each), then A08 updates of
 * the same patients. Prints each phase's rate and its send-to-ACK times; every ACK must be AA.
 */
public final class AdtBenchmark {

    private static final int SENDERS = 4;

    private AdtBenchmark() {}

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int messages = Integer.parseInt(args[2]);
        String run = Long.toHexString(System.currentTimeMillis());
        phase("A04 registrations (Patient + Encounter)", host, port, messages, i -> message("A04", run, i));
        phase("A08 updates of the same patients", host, port, messages, i -> message("A08", run, i));
    }

    private interface Messages {
        String number(int i);
    }

    private static void phase(String name, String host, int port, int messages, Messages source) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        List<Future<long[]>> results = new ArrayList<>();
        long start = System.nanoTime();
        for (int s = 0; s < SENDERS; s++) {
            int sender = s;
            results.add(senders.submit(() -> send(host, port, source, sender, messages)));
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
                "%s: %d messages in %.2f s = %.0f messages/s; send to ACK p50 %.1f ms, p95 %.1f ms, p99 %.1f ms%n",
                name,
                times.length,
                seconds,
                times.length / seconds,
                percentile(times, 50),
                percentile(times, 95),
                percentile(times, 99));
    }

    /** One sender's share (every SENDERS-th message), on one connection; the time of each. */
    private static long[] send(String host, int port, Messages source, int sender, int messages) throws IOException {
        List<Long> times = new ArrayList<>();
        try (Socket socket = new Socket(host, port)) {
            socket.setTcpNoDelay(true);
            for (int i = sender; i < messages; i += SENDERS) {
                long start = System.nanoTime();
                MllpFrames.write(socket.getOutputStream(), source.number(i).getBytes(StandardCharsets.US_ASCII));
                byte[] ack = MllpFrames.read(socket.getInputStream(), 1 << 20);
                times.add(System.nanoTime() - start);
                String text = ack == null ? "" : new String(ack, StandardCharsets.US_ASCII);
                if (!text.contains("MSA|AA|")) {
                    throw new IllegalStateException("Not accepted: " + text.replace('\r', '\n'));
                }
            }
        }
        return times.stream().mapToLong(Long::longValue).toArray();
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
