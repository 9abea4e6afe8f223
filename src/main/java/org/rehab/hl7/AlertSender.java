package org.rehab.hl7;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Endpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sends one leased alert over MLLP, in no database transaction, and answers its new state. AA or CA: delivered.
 * AE or CE, or an endpoint that is gone or has no MLLP address: parked for a person. AR, CR, no answer in time, a
 * refused or dropped connection: due again later under the same control id, waiting twice as long each time up
 * to a cap, and the endpoint's other alerts wait too.
 */
@Component
class AlertSender {

    private static final Logger log = LoggerFactory.getLogger(AlertSender.class);

    /**
     * One worker's round of sends under one lease: an endpoint that did not answer is not tried again in the round,
     * and nothing is sent that could outlast the lease.
     */
    static final class Round {
        private final Instant lease;
        private final Map<List<String>, Instant> heldBack = new HashMap<>();

        Round(Instant lease) {
            this.lease = lease;
        }

        /** Holds back, in the outbox, the endpoints that did not answer. */
        void holdBack(AlertOutbox outbox, Instant now) {
            heldBack.forEach(
                    (endpoint, until) -> outbox.holdBackEndpoint(endpoint.get(0), endpoint.get(1), until, now));
        }

        boolean heldBackAny() {
            return !heldBack.isEmpty();
        }
    }

    private final MllpEndpoints endpoints;
    private final Hl7Settings settings;
    private final Clock clock;
    private final MllpClient mllp;
    private final MeterRegistry meters;

    AlertSender(MllpEndpoints endpoints, Hl7Settings settings, Clock clock, MeterRegistry meters) {
        this.endpoints = endpoints;
        this.settings = settings;
        this.clock = clock;
        this.mllp = new MllpClient(settings.connectTimeout(), settings.ackTimeout());
        this.meters = meters;
    }

    Alert send(Alert alert, Round round) {
        Instant held = round.heldBack.get(List.of(alert.tenant(), alert.endpointId()));
        if (held != null) {
            return alert.dueAt(held);
        }
        Instant now = clock.instant();
        if (now.plus(settings.connectTimeout())
                .plus(settings.ackTimeout())
                .plusSeconds(1)
                .isAfter(round.lease)) {
            return alert.dueAt(now);
        }
        Optional<Endpoint> endpoint = endpoints.activeForDelivery(alert.tenant(), alert.endpointId());
        if (endpoint.isEmpty()) {
            return park(alert, null, "Endpoint/" + alert.endpointId() + " is not active any more");
        }
        Optional<MllpEndpoints.Address> address = MllpEndpoints.address(endpoint.get());
        if (address.isEmpty()) {
            return park(alert, null, "Endpoint/" + alert.endpointId() + " has no address of the form mllp://host:port");
        }
        try {
            Acknowledgement ack = mllp.send(address.get().host(), address.get().port(), alert.message());
            if (!alert.controlId().equals(ack.controlId())) {
                return retry(alert, ack.code(), "The acknowledgement is for message " + ack.controlId());
            }
            if (ack.accepted()) {
                Instant at = clock.instant();
                meters.timer("rehab.hl7.alert.delivery").record(Duration.between(alert.createdAt(), at));
                count("delivered");
                return alert.delivered(ack.code(), at);
            }
            if (ack.contentError()) {
                return park(alert, ack.code(), ack.text());
            }
            return retry(alert, ack.code(), ack.text());
        } catch (IOException e) {
            Alert retry = retry(alert, null, e.getMessage());
            round.heldBack.put(List.of(alert.tenant(), alert.endpointId()), retry.nextAttemptAt());
            return retry;
        }
    }

    private Alert retry(Alert alert, String ackCode, String error) {
        Instant next = clock.instant().plus(settings.retryDelay(alert.attempts() + 1));
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
        return alert.retryAt(next, ackCode, error);
    }

    private Alert park(Alert alert, String ackCode, String error) {
        log.atWarn()
                .addKeyValue("controlId", alert.controlId())
                .addKeyValue("tenant", alert.tenant())
                .addKeyValue("endpoint", alert.endpointId())
                .addKeyValue("ackCode", ackCode)
                .log("HL7 alert {} parked for a person: not retried until it is re-sent", alert.controlId());
        count("parked");
        return alert.parked(ackCode, error);
    }

    void count(String outcome) {
        meters.counter("rehab.hl7.alerts", "outcome", outcome).increment();
    }
}
