package org.rehab.hl7;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.IntStream;
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

    /** A request and what became of it: its alerts as sent, itself parked, or (no alerts) not built this time. */
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
                // Only the class: a database's or HAPI's message can quote records and ids.
                log.warn(
                        "Alert delivery failed ({}); trying again shortly",
                        e.getClass().getSimpleName());
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
        Instant lease = now.plus(settings.lease());
        AlertSender.Round round = new AlertSender.Round(lease);
        List<AlertRequest> requests = transaction.execute(status -> outbox.claimRequests(BATCH, now, lease));
        if (requests == null || requests.isEmpty()) {
            return false;
        }
        Map<String, List<Endpoint>> endpointsOf = new HashMap<>();
        List<Built> built = new ArrayList<>();
        for (AlertRequest request : requests) {
            built.add(build(request, endpointsOf.computeIfAbsent(request.tenant(), this::mllpEndpoints), round));
        }
        try {
            transaction.executeWithoutResult(status -> communications.write(
                    built.stream().flatMap(result -> record(result).stream()).toList()));
        } catch (RuntimeException e) {
            for (Built result : built) {
                recordAlone(
                        result.request().controlId(),
                        () -> record(result),
                        () -> outbox.releaseRequests(List.of(result.request())));
            }
        }
        holdBack(round);
        return true;
    }

    /** A built request's outbox rows (in the caller's transaction); answers the alerts whose state changed. */
    private List<Alert> record(Built result) {
        if (result.alerts() == null) {
            outbox.releaseRequests(List.of(result.request())); // not built this time: due again at once
            return List.of();
        }
        if (result.parked() != null) {
            return outbox.parkRequest(result.request(), result.parked()) ? List.of(result.parked()) : List.of();
        }
        if (!outbox.finishRequest(result.request())) {
            return List.of(); // the lease ran out: another worker has the request
        }
        result.alerts().forEach(outbox::insert);
        return result.alerts();
    }

    private Built build(AlertRequest request, List<Endpoint> targets, AlertSender.Round round) {
        List<Alert> alerts;
        try {
            alerts = composer.compose(request, targets);
        } catch (AlertMessageBuilder.Unbuildable | DataFormatException | IllegalArgumentException e) {
            return unbuilt(request, e);
        } catch (BaseServerResponseException e) {
            if (e.getStatusCode() < 500) {
                return unbuilt(request, e); // the patient was deleted, for one
            }
            return new Built(request, null, null); // the database, not the record: built again next time
        } catch (RuntimeException e) {
            return new Built(request, null, null);
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
        Instant lease = now.plus(settings.lease());
        List<Alert> due = transaction.execute(status -> outbox.claimDue(BATCH, now, lease));
        if (due == null || due.isEmpty()) {
            return false;
        }
        AlertSender.Round round = new AlertSender.Round(lease);
        List<Alert> results =
                due.stream().map(alert -> sender.send(alert, round)).toList();
        try {
            transaction.executeWithoutResult(status -> communications.write(IntStream.range(0, due.size())
                    .mapToObj(i -> record(due.get(i), results.get(i), lease))
                    .flatMap(List::stream)
                    .toList()));
        } catch (RuntimeException e) {
            for (int i = 0; i < due.size(); i++) {
                Alert claimed = due.get(i);
                Alert result = results.get(i);
                recordAlone(
                        claimed.controlId(),
                        () -> record(claimed, result, lease),
                        () -> outbox.release(List.of(claimed), lease));
            }
        }
        holdBack(round);
        return true;
    }

    /**
     * A sent alert's new state (in the caller's transaction); answers it if its Communication must change. One not
     * tried in the round (its endpoint held back) keeps its state and Communication.
     */
    private List<Alert> record(Alert claimed, Alert result, Instant lease) {
        return outbox.update(result, lease) && result.attempts() > claimed.attempts() ? List.of(result) : List.of();
    }

    /**
     * After a round whose results could not be recorded together: each on its own, so that one that cannot be (its
     * Communication refers to a ServiceRequest deleted since, for one) does not hold back the others. If even the
     * outbox row alone cannot be written, the lease ends and the alert is sent again under its control id.
     */
    private void recordAlone(String controlId, Supplier<List<Alert>> record, Runnable release) {
        try {
            transaction.executeWithoutResult(status -> communications.write(record.get()));
        } catch (RuntimeException failed) {
            try {
                transaction.executeWithoutResult(status -> record.get());
                log.atWarn()
                        .addKeyValue("controlId", controlId)
                        .log(
                                "HL7 alert {}: its Communication could not be written ({}); the outbox keeps its state",
                                controlId,
                                failed.getClass().getSimpleName());
            } catch (RuntimeException e) {
                releaseQuietly(release);
            }
        }
    }

    /** After a round whose results could not be recorded: its leases end now, not when they run out. */
    private void releaseQuietly(Runnable release) {
        try {
            transaction.executeWithoutResult(status -> release.run());
        } catch (RuntimeException e) {
            log.warn(
                    "Could not end the leases of a failed round ({}); they run out by themselves",
                    e.getClass().getSimpleName());
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
