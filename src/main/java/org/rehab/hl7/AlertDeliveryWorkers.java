package org.rehab.hl7;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Endpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers the outbox. Each worker leases a batch of recorded requests, builds their messages and sends them,
 * then leases a batch of due alerts (retries, and alerts waiting behind an earlier one) and sends them. A lease is
 * taken in a short transaction; messages are built and sent in none; the results, the outbox rows and their
 * Communications, are recorded together in one transaction. A server that stops mid-send leaves leases that run
 * out, and the next worker sends the same messages under the same control ids.
 */
@Component
class AlertDeliveryWorkers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AlertDeliveryWorkers.class);
    private static final int BATCH = 50;
    private static final Duration LEASE = Duration.ofSeconds(60);

    /** A request and what became of it: its alerts as sent, or itself parked. */
    private record Built(AlertRequest request, List<Alert> alerts, Alert parked) {}

    private final AlertOutbox outbox;
    private final MllpEndpoints endpoints;
    private final AlertComposer composer;
    private final AlertSender sender;
    private final AlertCommunications communications;
    private final AlertSignal signal;
    private final Hl7Settings settings;
    private final Clock clock;
    private final TransactionTemplate transaction;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    AlertDeliveryWorkers(
            AlertOutbox outbox,
            MllpEndpoints endpoints,
            AlertComposer composer,
            AlertSender sender,
            AlertCommunications communications,
            AlertSignal signal,
            Hl7Settings settings,
            Clock clock,
            PlatformTransactionManager transactions) {
        this.outbox = outbox;
        this.endpoints = endpoints;
        this.composer = composer;
        this.sender = sender;
        this.communications = communications;
        this.signal = signal;
        this.settings = settings;
        this.clock = clock;
        this.transaction = new TransactionTemplate(transactions);
    }

    @Override
    public synchronized void start() {
        if (!settings.deliveryEnabled() || running) {
            return;
        }
        running = true;
        for (int i = 0; i < settings.workers(); i++) {
            Thread thread = new Thread(this::work, "hl7-alert-delivery-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        threads.forEach(Thread::interrupt);
        for (Thread thread : threads) {
            try {
                thread.join(settings.ackTimeout().toMillis() + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void work() {
        while (running) {
            try {
                boolean built = buildAndSend();
                boolean sent = sendDue();
                if (!built && !sent) {
                    signal.await(settings.pollInterval());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Alert delivery failed; trying again shortly", e);
                try {
                    Thread.sleep(settings.pollInterval().toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** Builds and sends a batch of recorded requests; true if there was any. */
    private boolean buildAndSend() {
        Instant now = now();
        AlertSender.Round round = new AlertSender.Round(now.plus(LEASE));
        List<AlertRequest> requests = transaction.execute(status -> outbox.claimRequests(BATCH, now, now.plus(LEASE)));
        if (requests == null || requests.isEmpty()) {
            return false;
        }
        Map<String, List<Endpoint>> endpointsOf = new HashMap<>();
        List<Built> built = new ArrayList<>();
        for (AlertRequest request : requests) {
            built.add(build(request, endpointsOf.computeIfAbsent(request.tenant(), this::mllpEndpoints), round));
        }
        try {
            transaction.executeWithoutResult(status -> {
                List<Alert> changed = new ArrayList<>();
                for (Built result : built) {
                    if (result.parked() != null) {
                        if (outbox.parkRequest(result.request(), result.parked())) {
                            changed.add(result.parked());
                        }
                    } else if (outbox.finishRequest(result.request())) {
                        result.alerts().forEach(outbox::insert);
                        changed.addAll(result.alerts());
                    }
                }
                communications.write(changed);
            });
        } catch (RuntimeException e) {
            releaseQuietly(() -> outbox.releaseRequests(requests));
            throw e;
        }
        holdBack(round);
        return true;
    }

    private Built build(AlertRequest request, List<Endpoint> targets, AlertSender.Round round) {
        List<Alert> alerts;
        try {
            alerts = composer.compose(request, targets);
        } catch (AlertMessageBuilder.Unbuildable | DataFormatException | IllegalArgumentException e) {
            return unbuilt(request, e);
        } catch (BaseServerResponseException e) {
            if (e.getStatusCode() >= 500) {
                throw e; // the database, not the record: the lease runs out and the request is built again
            }
            return unbuilt(request, e); // the patient was deleted, for one
        }
        Set<String> busy = alerts.isEmpty() ? Set.of() : outbox.busyEndpoints(request.tenant(), request.patientId());
        List<Alert> sent = alerts.stream()
                .map(alert -> busy.contains(alert.endpointId()) ? alert : sender.send(alert, round))
                .toList();
        return new Built(request, sent, null);
    }

    private Built unbuilt(AlertRequest request, RuntimeException e) {
        // The exception's message may quote the record: it goes to the Communication, not to the log.
        log.atWarn()
                .addKeyValue("controlId", request.controlId())
                .addKeyValue("tenant", request.tenant())
                .log(
                        "HL7 alert {} could not be built ({}); parked for a person",
                        request.controlId(),
                        e.getClass().getSimpleName());
        sender.count("unbuilt");
        return new Built(request, List.of(), request.parked("The message could not be built: " + e.getMessage()));
    }

    /** Sends a batch of due alerts; true if there was any. */
    private boolean sendDue() {
        Instant now = now();
        Instant lease = now.plus(LEASE);
        List<Alert> due = transaction.execute(status -> outbox.claimDue(BATCH, now, lease));
        if (due == null || due.isEmpty()) {
            return false;
        }
        AlertSender.Round round = new AlertSender.Round(lease);
        List<Alert> results =
                due.stream().map(alert -> sender.send(alert, round)).toList();
        try {
            transaction.executeWithoutResult(status -> {
                List<Alert> attempted = new ArrayList<>();
                for (int i = 0; i < due.size(); i++) {
                    Alert result = results.get(i);
                    // An alert not tried in this round (its endpoint held back) keeps its state and Communication.
                    if (outbox.update(result, lease)
                            && result.attempts() > due.get(i).attempts()) {
                        attempted.add(result);
                    }
                }
                communications.write(attempted);
            });
        } catch (RuntimeException e) {
            releaseQuietly(() -> outbox.release(due, lease));
            throw e;
        }
        holdBack(round);
        return true;
    }

    /** After a round whose results could not be recorded: its leases end now, not when they run out. */
    private void releaseQuietly(Runnable release) {
        try {
            transaction.executeWithoutResult(status -> release.run());
        } catch (RuntimeException e) {
            log.warn("Could not end the leases of a failed round; they run out by themselves", e);
        }
    }

    /** Holds back the endpoints that did not answer in the round, in a transaction of its own. */
    private void holdBack(AlertSender.Round round) {
        if (round.heldBackAny()) {
            transaction.executeWithoutResult(status -> round.holdBack(outbox, now()));
        }
    }

    /** The hospital's active MLLP endpoints, in the order of their ids, which numbers their control ids. */
    private List<Endpoint> mllpEndpoints(String tenant) {
        return endpoints.active(tenant).stream()
                .sorted(Comparator.comparing(endpoint -> endpoint.getIdElement().getIdPart()))
                .toList();
    }

    /** Leases are compared for equality in the database, which keeps milliseconds at least. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
