package org.rehab.hl7;

import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.Collection;
import java.util.Date;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.rehab.conformance.ProfileValidatingInterceptor;
import org.rehab.tenant.RequestTenants;
import org.springframework.stereotype.Component;

/**
 * An alert's state as a FHIR Communication in its tenant: {@code basedOn} the ServiceRequest, {@code status}
 * in-progress while it is being delivered, completed once acknowledged, not-done when parked for a person, with
 * the control id as identifier, the message as payload and the delivery details in the {@link #DELIVERY}
 * extension (last ACK code, attempts, next attempt, endpoint, order control). Written in the caller's
 * transaction, the one that changes the outbox rows, so the two never disagree.
 */
@Component
class AlertCommunications {

    static final String DELIVERY = "http://rehab.example.org/fhir/StructureDefinition/hl7v2-delivery";
    static final String CONTROL_ID_SYSTEM = "http://rehab.example.org/fhir/sid/hl7v2-message-control-id";

    private final IFhirSystemDao<Bundle, Meta> systemDao;

    AlertCommunications(IFhirSystemDao<Bundle, Meta> systemDao) {
        this.systemDao = systemDao;
    }

    /**
     * Writes the alerts' states, one FHIR transaction per tenant nested in the caller's database transaction. They
     * are built here, to the hl7v2-delivery profile (a test holds them to it), so they are not validated again at
     * every write.
     */
    void write(Collection<Alert> alerts) {
        alerts.stream().collect(Collectors.groupingBy(Alert::tenant)).forEach((tenant, ofTenant) -> {
            Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
            for (Alert alert : ofTenant) {
                bundle.addEntry()
                        .setResource(of(alert))
                        .getRequest()
                        .setMethod(Bundle.HTTPVerb.PUT)
                        .setUrl("Communication/" + alert.communicationId());
            }
            SystemRequestDetails asServer = RequestTenants.systemRequestIn(tenant);
            ProfileValidatingInterceptor.writesServerBuiltResources(asServer, true);
            systemDao.transactionNested(asServer, bundle);
        });
    }

    static Communication of(Alert alert) {
        Communication communication = new Communication();
        communication.setId(alert.communicationId());
        communication.addIdentifier().setSystem(CONTROL_ID_SYSTEM).setValue(alert.controlId());
        communication.addBasedOn(new Reference("ServiceRequest/" + alert.serviceRequestId()));
        communication.setSubject(new Reference("Patient/" + alert.patientId()));
        communication.addCategory(new CodeableConcept(
                        new Coding("http://terminology.hl7.org/CodeSystem/communication-category", "alert", "Alert"))
                .setText("HL7 v2 recommendation alert"));
        communication.addMedium(new CodeableConcept(new Coding(
                        "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode", "ELECTRONIC", "electronic data"))
                .setText("HL7 v2 over MLLP"));
        if (alert.message() != null) {
            communication.addPayload().setContent(new StringType(alert.message()));
        }
        communication.setStatus(
                switch (alert.status()) {
                    case DELIVERED -> Communication.CommunicationStatus.COMPLETED;
                    case PARKED -> Communication.CommunicationStatus.NOTDONE;
                    case PENDING -> Communication.CommunicationStatus.INPROGRESS;
                });
        if (alert.status() == Alert.Status.DELIVERED) {
            communication.setSent(Date.from(alert.deliveredAt()));
        }
        if (alert.status() == Alert.Status.PARKED) {
            communication.setStatusReason(new CodeableConcept()
                    .setText(
                            alert.message() == null
                                    ? "Parked: the HL7 message could not be built. Fix the cause, then re-send with $resend."
                                    : "Parked: the interface engine refused the content, or the endpoint is not usable."
                                            + " Fix the cause, then re-send with $resend."));
        }
        if (alert.lastError() != null) {
            communication.addNote().setText(alert.lastError());
        }
        communication.addExtension(delivery(alert));
        return communication;
    }

    private static Extension delivery(Alert alert) {
        Extension delivery = new Extension(DELIVERY);
        delivery.addExtension("orderControl", new CodeType(alert.orderControl()));
        if (alert.endpointId() != null) {
            delivery.addExtension("endpoint", new Reference("Endpoint/" + alert.endpointId()));
        }
        delivery.addExtension("attempts", new IntegerType(alert.attempts()));
        if (alert.lastAckCode() != null) {
            delivery.addExtension("ackCode", new CodeType(alert.lastAckCode()));
        }
        if (alert.status() == Alert.Status.PENDING && alert.attempts() > 0) {
            delivery.addExtension("nextAttempt", new DateTimeType(Date.from(alert.nextAttemptAt())));
        }
        return delivery;
    }
}
