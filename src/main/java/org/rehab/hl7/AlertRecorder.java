package org.rehab.hl7;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.rehab.recommendation.RecommendationEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Records an HL7 v2 alert in the outbox for every active MLLP endpoint of the hospital when a recommendation is
 * created (NW), completed (SC) or revoked or deleted (CA). It listens to the event in the transaction that writes
 * the ServiceRequest, so the alert commits or rolls back with it. The message is built here, once.
 */
@Component
class AlertRecorder {

    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MllpEndpoints endpoints;
    private final AlertOutbox outbox;
    private final DaoRegistry daos;
    private final Hl7Settings settings;
    private final Clock clock;
    private final AlertMessageBuilder builder;

    AlertRecorder(MllpEndpoints endpoints, AlertOutbox outbox, DaoRegistry daos, Hl7Settings settings, Clock clock) {
        this.endpoints = endpoints;
        this.outbox = outbox;
        this.daos = daos;
        this.settings = settings;
        this.clock = clock;
        this.builder = new AlertMessageBuilder(clock.getZone());
    }

    @EventListener
    void record(RecommendationEvent event) {
        List<Endpoint> targets = endpoints.active(event.tenant());
        if (targets.isEmpty()) {
            return;
        }
        OrderControl control = orderControl(event);
        ServiceRequest request = event.serviceRequest();
        Patient patient = daos.getResourceDao(Patient.class)
                .read(new IdType("Patient", event.patientId()), MllpEndpoints.request(event.tenant()));
        Coding reason = reasonForStudy(request, event.tenant());
        Instant now = clock.instant();
        for (Endpoint endpoint : targets) {
            String controlId = newControlId();
            AlertMessageBuilder.Header header = new AlertMessageBuilder.Header(
                    controlId,
                    settings.sendingApplication(),
                    settings.sendingFacility(event.tenant()),
                    endpoint.getName(),
                    endpoint.getManagingOrganization().getDisplay(),
                    settings.processingId(),
                    now);
            String message = builder.build(
                    MessageType.of(endpoint), Hl7Charset.of(endpoint), control, header, patient, request, reason);
            outbox.record(
                    controlId,
                    event.tenant(),
                    event.patientId(),
                    event.serviceRequestId(),
                    endpoint.getIdElement().getIdPart(),
                    control,
                    message,
                    now);
        }
    }

    private static OrderControl orderControl(RecommendationEvent event) {
        if (event instanceof RecommendationEvent.Closed closed) {
            return "completed".equals(closed.status()) ? OrderControl.STATUS_CHANGED : OrderControl.CANCEL;
        }
        return OrderControl.NEW;
    }

    /** OBR-31: the code of the finding that triggered the recommendation (its first evidence). */
    private Coding reasonForStudy(ServiceRequest request, String tenant) {
        Reference evidence = request.hasReasonReference()
                ? request.getReasonReferenceFirstRep()
                : request.getSupportingInfoFirstRep();
        if (!evidence.hasReference()) {
            return null;
        }
        IdType id = new IdType(evidence.getReference());
        try {
            Resource resource = (Resource) daos.getResourceDao(id.getResourceType())
                    .read(id.toUnqualifiedVersionless(), MllpEndpoints.request(tenant));
            if (resource instanceof Condition condition) {
                return condition.getCode().getCodingFirstRep();
            }
            if (resource instanceof Observation observation) {
                return observation.getCode().getCodingFirstRep();
            }
            if (resource instanceof Procedure procedure) {
                return procedure.getCode().getCodingFirstRep();
            }
            return null;
        } catch (ResourceNotFoundException | ResourceGoneException e) {
            return null;
        }
    }

    /** MSH-10: 20 characters, random, the same for every attempt to deliver this alert. */
    static String newControlId() {
        StringBuilder id = new StringBuilder("RH");
        for (int i = 0; i < 18; i++) {
            id.append(BASE32.charAt(RANDOM.nextInt(32)));
        }
        return id.toString().toUpperCase(Locale.ROOT);
    }
}
