package org.rehab.adt;

import java.util.Date;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.rehab.audit.AuditTrail;
import org.springframework.stereotype.Component;

/**
 * An AuditEvent in the hospital's tenant for every ADT message received: DICOM's "Import" (110107), the trigger
 * event as subtype, the sending application and its network address, the message's control id, the Patient it
 * touched, and whether it was applied (0), refused (4) or not taken now (8).
 */
@Component
class AdtAudit {

    private static final String DICOM = "http://dicom.nema.org/resources/ontology/DCM";
    private static final String TRIGGER_EVENTS = "http://terminology.hl7.org/CodeSystem/v2-0003";

    private final AuditTrail trail;
    private final AdtSettings settings;

    AdtAudit(AuditTrail trail, AdtSettings settings) {
        this.trail = trail;
        this.settings = settings;
    }

    void record(String tenant, String peer, String received, AdtApplier.Applied applied, String ackCode, String why) {
        AuditEvent event = new AuditEvent();
        event.setType(new Coding(DICOM, "110107", "Import"));
        String trigger = AdtAck.triggerOf(received);
        if (!trigger.isEmpty()) {
            event.addSubtype(new Coding(TRIGGER_EVENTS, trigger, null));
        }
        event.setAction(AuditEvent.AuditEventAction.U);
        event.setRecorded(new Date());
        event.setOutcome(
                switch (ackCode) {
                    case "AA" -> AuditEvent.AuditEventOutcome._0;
                    case "AE" -> AuditEvent.AuditEventOutcome._4;
                    default -> AuditEvent.AuditEventOutcome._8;
                });
        if (why != null) {
            event.setOutcomeDesc(why);
        }
        AuditEvent.AuditEventAgentComponent sender = event.addAgent().setRequestor(true);
        sender.setWho(new Reference().setDisplay(AdtAck.senderOf(received)));
        sender.getNetwork().setAddress(peer).setType(AuditEvent.AuditEventAgentNetworkType._2);
        event.getSource()
                .setObserver(new Reference()
                        .setDisplay("mllp://" + settings.bindAddress() + ":"
                                + settings.ports().get(tenant) + "/" + tenant));
        event.addEntity()
                .setWhat(new Reference().setDisplay("HL7 v2 message " + AdtAck.controlIdOf(received)))
                .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"));
        if (applied != null) {
            event.addEntity()
                    .setWhat(new Reference("Patient/" + applied.patientId()))
                    .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"));
        }
        if (applied != null && applied.mergedPatientId() != null) {
            event.addEntity()
                    .setWhat(new Reference("Patient/" + applied.mergedPatientId()))
                    .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"))
                    .setDescription("Merged into the patient above");
        }
        trail.record(tenant, event);
    }
}
