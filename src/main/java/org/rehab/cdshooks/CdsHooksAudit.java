package org.rehab.cdshooks;

import java.util.Date;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.rehab.audit.AuditTrail;
import org.springframework.stereotype.Component;

/**
 * An AuditEvent in the hospital's tenant for every CDS Hooks call that named a patient: DICOM's "Query" (110112),
 * the hook as subtype, the EHR that called (its JWT's issuer) and its network address, the patient, the hook
 * instance, and whether it was answered (0) or refused (4, with the reason).
 */
@Component
class CdsHooksAudit {

    private static final String DICOM = "http://dicom.nema.org/resources/ontology/DCM";
    private static final String ENTITY_TYPES = "http://terminology.hl7.org/CodeSystem/audit-entity-type";

    private final AuditTrail trail;

    CdsHooksAudit(AuditTrail trail) {
        this.trail = trail;
    }

    void record(
            String tenant,
            String serverBase,
            String ehr,
            String address,
            HookCall call,
            String patientId,
            String refusal) {
        AuditEvent event = new AuditEvent();
        event.setType(new Coding(DICOM, "110112", "Query"));
        event.addSubtype(new Coding("https://cds-hooks.hl7.org/hooks", call.hook(), null));
        event.setAction(AuditEvent.AuditEventAction.E);
        event.setRecorded(new Date());
        event.setOutcome(refusal == null ? AuditEvent.AuditEventOutcome._0 : AuditEvent.AuditEventOutcome._4);
        if (refusal != null) {
            event.setOutcomeDesc(refusal);
        }
        AuditEvent.AuditEventAgentComponent caller = event.addAgent().setRequestor(true);
        caller.setWho(new Reference().setDisplay(ehr));
        caller.getNetwork().setAddress(address).setType(AuditEvent.AuditEventAgentNetworkType._2);
        event.getSource().setObserver(new Reference().setDisplay(serverBase + "/cds/" + tenant));
        event.addEntity()
                .setWhat(new Reference().setDisplay("CDS Hooks hook instance " + call.hookInstance()))
                .setType(new Coding(ENTITY_TYPES, "2", "System Object"));
        if (patientId != null) {
            event.addEntity()
                    .setWhat(new Reference("Patient/" + patientId))
                    .setType(new Coding(ENTITY_TYPES, "1", "Person"));
        }
        trail.record(tenant, event);
    }
}
