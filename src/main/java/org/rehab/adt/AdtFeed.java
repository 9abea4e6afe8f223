package org.rehab.adt;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.rehab.adt.AdtApplier.Applied;
import org.rehab.hl7.Hl7Settings;
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
    /** MSH-10 as the table keeps it: printable, no spaces, at most 199 characters. */
    private static final Pattern CONTROL_ID = Pattern.compile("[\\x21-\\x7E]{1,199}");

    private static final Pattern HAPI_CODE = Pattern.compile("HAPI-\\d{4}");
    private static final String NO_CONTROL_ID =
            "MSH-10 (message control id) is empty, longer than 199 characters or not printable ASCII";
    private static final String UNREADABLE = "The message cannot be read as HL7 v2 (HAPI's parser refuses it)";

    private final HapiContext hl7 = new DefaultHapiContext(new CanonicalModelClassFactory("2.5.1"));
    private final ReentrantLock[] stripes = new ReentrantLock[64];
    private final AdtApplier applier;
    private final Hl7Settings hl7Settings;
    private final AdtInbox inbox;
    private final AdtAudit audit;
    private final Clock clock;
    private final TransactionTemplate transaction;

    AdtFeed(
            AdtApplier applier,
            Hl7Settings hl7Settings,
            AdtInbox inbox,
            AdtAudit audit,
            Clock clock,
            PlatformTransactionManager transactions) {
        this.applier = applier;
        this.hl7Settings = hl7Settings;
        Arrays.setAll(stripes, i -> new ReentrantLock());
        this.inbox = inbox;
        this.audit = audit;
        this.clock = clock;
        this.transaction = new TransactionTemplate(transactions);
        hl7.setValidationContext(ValidationContextFactory.noValidation());
    }

    /** The acknowledgement of {@code received}, sent by {@code peer} to the hospital {@code tenant}. */
    String receive(String tenant, String received, String peer) {
        String controlId = AdtAck.controlIdOf(received);
        if (!CONTROL_ID.matcher(controlId).matches()) {
            return refuse(tenant, received, null, peer, AdtAck.Error.REQUIRED_FIELD_MISSING, NO_CONTROL_ID, false);
        }
        String sender = AdtAck.senderOf(received);
        String trigger = null;
        try {
            Optional<AdtInbox.Answer> earlier = inbox.answered(tenant, sender, controlId);
            if (earlier.isPresent()) {
                audit.record(tenant, peer, received, null, earlier.get().ackCode(), "Sent again: answered as before");
                return earlier.get().ack();
            }
            Terser message;
            String processingId;
            String firstPatientId;
            String mergedPatientId;
            try {
                message = new Terser(hl7.getPipeParser().parse(received));
                trigger = message.get("/MSH-9-2");
                processingId = message.get("/MSH-11-1");
                firstPatientId = message.get("/.PID-3(0)-1");
                mergedPatientId = "A40".equals(trigger) ? message.get("/.MRG-1(0)-1") : null;
            } catch (HL7Exception e) {
                return refuse(tenant, received, null, peer, AdtAck.Error.DATA_TYPE_ERROR, UNREADABLE, true);
            }
            if (processingId != null && !processingId.equals(hl7Settings.processingId())) {
                throw new Unapplicable(
                        AdtAck.Error.UNSUPPORTED_MESSAGE_TYPE,
                        "MSH-11 is " + processingId + ": this server takes processing id " + hl7Settings.processingId()
                                + " only");
            }
            String ack = AdtAck.accept(received, newControlId(), clock.instant(), clock.getZone());
            String event = trigger;
            Applied applied;
            // One message of a patient at a time on this instance, so a new MRN makes one Patient and a merge is not
            // raced by a message of the merged patient; two locks are taken in one order.
            List<ReentrantLock> patients = Stream.of(firstPatientId, mergedPatientId)
                    .filter(Objects::nonNull)
                    .map(mrn -> Math.floorMod(Objects.hash(tenant, mrn), stripes.length))
                    .distinct()
                    .sorted()
                    .map(stripe -> stripes[stripe])
                    .toList();
            patients.forEach(ReentrantLock::lock);
            try {
                applied = transaction.execute(status -> {
                    try {
                        Applied done = applier.apply(tenant, message);
                        inbox.record(tenant, sender, controlId, event, "AA", ack, clock.instant());
                        return done;
                    } catch (HL7Exception e) {
                        throw new Unapplicable(AdtAck.Error.DATA_TYPE_ERROR, UNREADABLE);
                    }
                });
            } finally {
                patients.forEach(ReentrantLock::unlock);
            }
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
            return inbox.answered(tenant, sender, controlId)
                    .map(AdtInbox.Answer::ack)
                    .orElseGet(() -> notNow(tenant, received, peer, e));
        } catch (ResourceVersionConflictException | PreconditionFailedException e) {
            return notNow(tenant, received, peer, e);
        } catch (BaseServerResponseException e) {
            if (e.getStatusCode() >= 500) {
                return notNow(tenant, received, peer, e);
            }
            // HAPI's message may quote the record; its codes say what was refused without repeating it.
            return refuse(
                    tenant,
                    received,
                    trigger,
                    peer,
                    AdtAck.Error.DATA_TYPE_ERROR,
                    "The FHIR store refuses the record it makes (" + e.getStatusCode() + " "
                            + String.join(", ", hapiCodes(e.getMessage())) + ")",
                    true);
        } catch (RuntimeException e) {
            return notNow(tenant, received, peer, e);
        }
    }

    private static List<String> hapiCodes(String message) {
        return message == null
                ? List.of()
                : HAPI_CODE
                        .matcher(message)
                        .results()
                        .map(MatchResult::group)
                        .distinct()
                        .toList();
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
                transaction.executeWithoutResult(status -> inbox.record(
                        tenant,
                        AdtAck.senderOf(received),
                        AdtAck.controlIdOf(received),
                        trigger,
                        code,
                        ack,
                        clock.instant()));
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
