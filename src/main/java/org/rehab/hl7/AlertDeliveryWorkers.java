package org.rehab.hl7;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Endpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers the outbox: each worker claims the next due alert (locked, so no other worker or instance sends it),
 * sends it over MLLP and records the answer in the same transaction. AA or CA: delivered. AE or CE: parked for a
 * person, not retried. AR, CR, no answer in time, a refused or dropped connection: tried again later under the
 * same control id, waiting twice as long each time up to a cap, and the endpoint's other alerts wait too. Alerts
 * left pending by a stopped server are picked up by the next one to run.
 */
@Component
class AlertDeliveryWorkers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AlertDeliveryWorkers.class);

    private final AlertOutbox outbox;
    private final MllpEndpoints endpoints;
    private final Hl7Settings settings;
    private final Clock clock;
    private final TransactionTemplate transaction;
    private final MllpClient mllp;
    private final MeterRegistry meters;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    AlertDeliveryWorkers(
            AlertOutbox outbox,
            MllpEndpoints endpoints,
            Hl7Settings settings,
            Clock clock,
            PlatformTransactionManager transactions,
            MeterRegistry meters) {
        this.outbox = outbox;
        this.endpoints = endpoints;
        this.settings = settings;
        this.clock = clock;
        this.transaction = new TransactionTemplate(transactions);
        this.mllp = new MllpClient(settings.connectTimeout(), settings.ackTimeout());
        this.meters = meters;
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
                Boolean delivered = transaction.execute(status -> deliverNext());
                if (!Boolean.TRUE.equals(delivered)) {
                    Thread.sleep(settings.pollInterval().toMillis());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Alert delivery failed; trying again shortly", e);
                sleepQuietly(settings.pollInterval());
            }
        }
    }

    /** Sends the next due alert, if any; true if there was one. */
    private boolean deliverNext() {
        Optional<Alert> due = outbox.claimNextDue(clock.instant());
        if (due.isEmpty()) {
            return false;
        }
        Alert alert = due.get();
        Optional<Endpoint> endpoint = endpoints.activeForDelivery(alert.tenant(), alert.endpointId());
        if (endpoint.isEmpty()) {
            park(alert, null, "Endpoint/" + alert.endpointId() + " is not active any more");
            return true;
        }
        Optional<MllpEndpoints.Address> address = MllpEndpoints.address(endpoint.get());
        if (address.isEmpty()) {
            park(alert, null, "Endpoint/" + alert.endpointId() + " has no address of the form mllp://host:port");
            return true;
        }
        try {
            Acknowledgement ack = mllp.send(address.get().host(), address.get().port(), alert.message());
            if (!alert.controlId().equals(ack.controlId())) {
                retry(alert, ack.code(), "The acknowledgement is for message " + ack.controlId(), false);
            } else if (ack.accepted()) {
                Instant now = clock.instant();
                outbox.delivered(alert, ack, now);
                meters.timer("rehab.hl7.alert.delivery").record(Duration.between(alert.createdAt(), now));
                count("delivered");
            } else if (ack.contentError()) {
                park(alert, ack.code(), ack.text());
            } else {
                retry(alert, ack.code(), ack.text(), false);
            }
        } catch (IOException e) {
            retry(alert, null, e.getMessage(), true);
        }
        return true;
    }

    private void retry(Alert alert, String ackCode, String error, boolean endpointUnreachable) {
        Instant next = clock.instant().plus(settings.retryDelay(alert.attempts() + 1));
        outbox.retryLater(alert, ackCode, error, next);
        if (endpointUnreachable) {
            outbox.holdBackEndpoint(alert.tenant(), alert.endpointId(), next);
        }
        log.atWarn()
                .addKeyValue("controlId", alert.controlId())
                .addKeyValue("tenant", alert.tenant())
                .addKeyValue("endpoint", alert.endpointId())
                .addKeyValue("ackCode", ackCode)
                .log(
                        "HL7 alert {} not delivered (attempt {}), next attempt at {}",
                        alert.controlId(),
                        alert.attempts() + 1,
                        next);
        count("retry");
    }

    private void park(Alert alert, String ackCode, String error) {
        outbox.park(alert, ackCode, error);
        log.atWarn()
                .addKeyValue("controlId", alert.controlId())
                .addKeyValue("tenant", alert.tenant())
                .addKeyValue("endpoint", alert.endpointId())
                .addKeyValue("ackCode", ackCode)
                .log("HL7 alert {} parked for a person: not retried until it is re-sent", alert.controlId());
        count("parked");
    }

    private void count(String outcome) {
        meters.counter("rehab.hl7.alerts", "outcome", outcome).increment();
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
