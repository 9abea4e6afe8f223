package org.rehab.adt;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.rehab.adt.AdtApplier.Applied;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Takes one received ADT message for a hospital and answers its acknowledgement. A control id (MSH-10) answered
 * before gets the same answer again and changes nothing. AA: applied, in one transaction with the record of its
 * control id. AE: the message cannot be applied as it is (no MRN, a type not taken here, a value FHIR refuses);
 * nothing changes. AR: the server cannot take it now (the database is down); nothing is kept, so the engine's
 * resend is applied. Every message is audited; its content is never logged.
 */
@Component
class AdtFeed {

    private static final Logger log = LoggerFactory.getLogger(AdtFeed.class);

    private final HapiContext hl7 = new DefaultHapiContext(new CanonicalModelClassFactory("2.5.1"));
    private final AdtApplier applier;
    private final AdtInbox inbox;
    private final AdtAudit audit;
    private final Clock clock;
    private final TransactionTemplate transaction;

    AdtFeed(AdtApplier applier, AdtInbox inbox, AdtAudit audit, Clock clock, PlatformTransactionManager transactions) {
        this.applier = applier;
        this.inbox = inbox;
        this.audit = audit;
        this.clock = clock;
        this.transaction = new TransactionTemplate(transactions);
        hl7.setValidationContext(ValidationContextFactory.noValidation());
    }

    /** The acknowledgement of {@code received}, sent by {@code peer} to the hospital {@code tenant}. */
    String receive(String tenant, String received, String peer) {
        String controlId = AdtAck.controlIdOf(received);
        if (controlId.isBlank()) {
            return refuse(
                    tenant,
                    received,
                    null,
                    peer,
                    AdtAck.Error.REQUIRED_FIELD_MISSING,
                    "MSH-10 (message control id) is empty",
                    false);
        }
        String trigger = null;
        try {
            Optional<AdtInbox.Answer> earlier = inbox.answered(tenant, controlId);
            if (earlier.isPresent()) {
                audit.record(tenant, peer, received, null, earlier.get().ackCode(), "Sent again: answered as before");
                return earlier.get().ack();
            }
            Terser message;
            try {
                Message parsed = hl7.getPipeParser().parse(received);
                message = new Terser(parsed);
                trigger = message.get("/MSH-9-2");
            } catch (HL7Exception e) {
                return refuse(
                        tenant,
                        received,
                        null,
                        peer,
                        AdtAck.Error.DATA_TYPE_ERROR,
                        "The message cannot be read as HL7 v2: " + e.getMessage(),
                        true);
            }
            Terser parsed = message;
            String ack = AdtAck.accept(received, newControlId(), clock.instant(), clock.getZone());
            String event = trigger;
            Applied applied = transaction.execute(status -> {
                try {
                    Applied done = applier.apply(tenant, parsed);
                    inbox.record(tenant, controlId, event, "AA", ack, clock.instant());
                    return done;
                } catch (HL7Exception e) {
                    throw new Unapplicable(AdtAck.Error.DATA_TYPE_ERROR, e.getMessage());
                }
            });
            audit.record(tenant, peer, received, applied, "AA", null);
            log.atInfo()
                    .addKeyValue("tenant", tenant)
                    .addKeyValue("controlId", controlId)
                    .addKeyValue("trigger", trigger)
                    .log("ADT^{} {} applied", trigger, controlId);
            return ack;
        } catch (Unapplicable e) {
            return refuse(tenant, received, trigger, peer, e.error, e.getMessage(), true);
        } catch (DuplicateKeyException e) {
            // The same message on another connection at the same moment: its answer, once it is recorded.
            return inbox.answered(tenant, controlId)
                    .map(AdtInbox.Answer::ack)
                    .orElseGet(() -> notNow(tenant, received, peer, e));
        } catch (ResourceVersionConflictException | PreconditionFailedException e) {
            return notNow(tenant, received, peer, e);
        } catch (BaseServerResponseException e) {
            if (e.getStatusCode() >= 500) {
                return notNow(tenant, received, peer, e);
            }
            return refuse(
                    tenant,
                    received,
                    trigger,
                    peer,
                    AdtAck.Error.DATA_TYPE_ERROR,
                    "The record it makes is refused: " + e.getMessage(),
                    true);
        } catch (RuntimeException e) {
            return notNow(tenant, received, peer, e);
        }
    }

    /**
     * AE: kept with its control id ({@code keep}, when it has one), so that the same message sent again gets the
     * same answer.
     */
    private String refuse(
            String tenant,
            String received,
            String trigger,
            String peer,
            AdtAck.Error error,
            String text,
            boolean keep) {
        String code = "AE";
        String ack = AdtAck.refuse(received, code, error, text, newControlId(), clock.instant(), clock.getZone());
        try {
            if (keep) {
                transaction.executeWithoutResult(status ->
                        inbox.record(tenant, AdtAck.controlIdOf(received), trigger, code, ack, clock.instant()));
            }
        } catch (RuntimeException e) {
            return notNow(tenant, received, peer, e);
        }
        audit.record(tenant, peer, received, null, code, error.text);
        log.atWarn()
                .addKeyValue("tenant", tenant)
                .addKeyValue("controlId", AdtAck.controlIdOf(received))
                .addKeyValue("error", error.code)
                .log("ADT message {} refused ({}): {}", AdtAck.controlIdOf(received), code, error.text);
        return ack;
    }

    /** AR: nothing kept, nothing changed; the engine sends it again. */
    private String notNow(String tenant, String received, String peer, RuntimeException cause) {
        log.atWarn()
                .addKeyValue("tenant", tenant)
                .addKeyValue("controlId", AdtAck.controlIdOf(received))
                .log(
                        "ADT message {} not taken now ({}); the engine is asked to send it again",
                        AdtAck.controlIdOf(received),
                        cause.getClass().getSimpleName());
        audit.record(tenant, peer, received, null, "AR", "The server cannot take the message now");
        return AdtAck.refuse(
                received,
                "AR",
                AdtAck.Error.APPLICATION_INTERNAL_ERROR,
                "The server cannot take the message now; send it again",
                newControlId(),
                clock.instant(),
                clock.getZone());
    }

    private static String newControlId() {
        return "RA"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 18).toUpperCase(Locale.ROOT);
    }
}
