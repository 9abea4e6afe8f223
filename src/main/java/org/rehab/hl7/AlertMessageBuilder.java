package org.rehab.hl7;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.AbstractMessage;
import ca.uhn.hl7v2.model.v251.datatype.CE;
import ca.uhn.hl7v2.model.v251.datatype.CX;
import ca.uhn.hl7v2.model.v251.datatype.XPN;
import ca.uhn.hl7v2.model.v251.message.OMG_O19;
import ca.uhn.hl7v2.model.v251.message.ORM_O01;
import ca.uhn.hl7v2.model.v251.segment.MSH;
import ca.uhn.hl7v2.model.v251.segment.NTE;
import ca.uhn.hl7v2.model.v251.segment.OBR;
import ca.uhn.hl7v2.model.v251.segment.ORC;
import ca.uhn.hl7v2.model.v251.segment.PID;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;

/**
 * Builds the HL7 v2.5.1 alert for a recommendation, as ../shared/reference/hl7v2-alerts.md lays it out: OMG^O19
 * (or ORM^O01) with PID from the Patient, ORC/OBR from the ServiceRequest (placer order number = its id), OBR-31
 * the triggering finding, and NTE the rule and its explanation. HL7 has no "proposal" intent: ORC-16 and the first
 * NTE say that the order is a rule-engine proposal. Special characters are escaped by HAPI's encoder.
 */
public final class AlertMessageBuilder {

    /** MSH fields that do not come from the recommendation. */
    public record Header(
            String controlId,
            String sendingApplication,
            String sendingFacility,
            String receivingApplication,
            String receivingFacility,
            String processingId,
            Instant created) {}

    /** The records cannot be put into an HL7 v2 message: a value beyond what a field may carry, for one. */
    public static final class Unbuildable extends RuntimeException {
        Unbuildable(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static final Map<String, String> CODING_SYSTEMS = Map.of(
            "http://snomed.info/sct", "SCT",
            "http://loinc.org", "LN",
            "http://hl7.org/fhir/sid/icd-10", "I10");

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss.SSSZ");

    private final HapiContext hl7 = new DefaultHapiContext(ValidationContextFactory.defaultValidation());
    private final ZoneId zone;

    public AlertMessageBuilder(ZoneId zone) {
        this.zone = zone;
    }

    /** The alert, encoded in ER7 (pipes and hats), segments separated by carriage returns. */
    public String build(
            MessageType type,
            Hl7Charset charset,
            OrderControl control,
            Header header,
            Patient patient,
            ServiceRequest request,
            Coding reasonForStudy) {
        try {
            AbstractMessage message;
            if (type == MessageType.ORM_O01) {
                ORM_O01 orm = new ORM_O01();
                orm.setParser(hl7.getPipeParser());
                orm.initQuickstart(type.code, type.trigger, header.processingId());
                msh(orm.getMSH(), header, charset);
                pid(orm.getPATIENT().getPID(), patient);
                orc(orm.getORDER().getORC(), control, request);
                obr(orm.getORDER().getORDER_DETAIL().getOBR(), request, reasonForStudy);
                int set = 1;
                for (String text : notes(request)) {
                    nte(orm.getORDER().getORDER_DETAIL().getNTE(set - 1), set++, text);
                }
                message = orm;
            } else {
                OMG_O19 omg = new OMG_O19();
                omg.setParser(hl7.getPipeParser());
                omg.initQuickstart(type.code, type.trigger, header.processingId());
                msh(omg.getMSH(), header, charset);
                pid(omg.getPATIENT().getPID(), patient);
                orc(omg.getORDER().getORC(), control, request);
                obr(omg.getORDER().getOBR(), request, reasonForStudy);
                int set = 1;
                for (String text : notes(request)) {
                    nte(omg.getORDER().getNTE(set - 1), set++, text);
                }
                message = omg;
            }
            return charset.escape(message.encode());
        } catch (HL7Exception | IOException e) {
            throw new Unbuildable(e);
        }
    }

    private void msh(MSH msh, Header header, Hl7Charset charset) throws HL7Exception {
        msh.getSendingApplication().getNamespaceID().setValue(header.sendingApplication());
        msh.getSendingFacility().getNamespaceID().setValue(header.sendingFacility());
        msh.getReceivingApplication().getNamespaceID().setValue(header.receivingApplication());
        msh.getReceivingFacility().getNamespaceID().setValue(header.receivingFacility());
        msh.getDateTimeOfMessage()
                .getTime()
                .setValue(TIMESTAMP.format(header.created().atZone(zone)));
        msh.getMessageControlID().setValue(header.controlId());
        msh.getCharacterSet(0).setValue(charset.hl7Name);
    }

    private void pid(PID pid, Patient patient) throws HL7Exception {
        pid.getSetIDPID().setValue("1");
        int repetition = 0;
        for (Identifier identifier : medicalRecordNumberFirst(patient.getIdentifier())) {
            CX cx = pid.getPatientIdentifierList(repetition++);
            cx.getIDNumber().setValue(identifier.getValue());
            if (identifier.hasSystem()) {
                cx.getAssigningAuthority().getUniversalID().setValue(identifier.getSystem());
                cx.getAssigningAuthority().getUniversalIDType().setValue("URI");
            }
            String typeCode = identifier.getType().getCoding().stream()
                    .map(Coding::getCode)
                    .findFirst()
                    .orElse(null);
            cx.getIdentifierTypeCode().setValue(typeCode);
        }
        CX resourceId = pid.getPatientIdentifierList(repetition);
        resourceId.getIDNumber().setValue(patient.getIdElement().getIdPart());
        resourceId.getIdentifierTypeCode().setValue("PI");
        if (patient.hasName()) {
            HumanName name = patient.getNameFirstRep();
            XPN xpn = pid.getPatientName(0);
            xpn.getFamilyName().getSurname().setValue(name.getFamily());
            List<StringType> given = name.getGiven();
            if (!given.isEmpty()) {
                xpn.getGivenName().setValue(given.get(0).getValue());
            }
            if (given.size() > 1) {
                xpn.getSecondAndFurtherGivenNamesOrInitialsThereof()
                        .setValue(given.get(1).getValue());
            }
        }
        if (patient.hasBirthDate()) {
            pid.getDateTimeOfBirth()
                    .getTime()
                    .setValue(DATE.format(patient.getBirthDate().toInstant().atZone(zone)));
        }
        if (patient.hasGender()) {
            pid.getAdministrativeSex()
                    .setValue(
                            switch (patient.getGender()) {
                                case MALE -> "M";
                                case FEMALE -> "F";
                                case OTHER -> "O";
                                default -> "U";
                            });
        }
    }

    private void orc(ORC orc, OrderControl control, ServiceRequest request) throws HL7Exception {
        orc.getOrderControl().setValue(control.code());
        orc.getPlacerOrderNumber()
                .getEntityIdentifier()
                .setValue(request.getIdElement().getIdPart());
        orc.getPlacerOrderNumber().getNamespaceID().setValue("REHAB");
        if (control == OrderControl.STATUS_CHANGED) {
            orc.getOrderStatus().setValue("CM");
        }
        if (request.hasAuthoredOn()) {
            orc.getDateTimeOfTransaction().getTime().setValue(timestamp(request.getAuthoredOn()));
        }
        CE reason = orc.getOrderControlCodeReason();
        reason.getIdentifier().setValue("PROPOSAL");
        reason.getText().setValue("Proposed by the rehabilitation rule engine, not an order");
        reason.getNameOfCodingSystem().setValue("L");
    }

    private void obr(OBR obr, ServiceRequest request, Coding reasonForStudy) throws HL7Exception {
        obr.getSetIDOBR().setValue("1");
        obr.getPlacerOrderNumber()
                .getEntityIdentifier()
                .setValue(request.getIdElement().getIdPart());
        obr.getPlacerOrderNumber().getNamespaceID().setValue("REHAB");
        code(obr.getUniversalServiceIdentifier(), request.getCode().getCodingFirstRep(), request.getCode());
        if (reasonForStudy != null && reasonForStudy.hasCode()) {
            code(obr.getReasonForStudy(0), reasonForStudy, null);
        }
    }

    private static void nte(NTE nte, int set, String text) throws HL7Exception {
        nte.getSetIDNTE().setValue(Integer.toString(set));
        nte.getSourceOfComment().setValue("L");
        nte.getComment(0).setValue(text);
    }

    /** The rule's note, then the explanation of the recommendation. */
    private static List<String> notes(ServiceRequest request) {
        List<String> notes = new ArrayList<>();
        request.getNote().stream().map(Annotation::getText).forEach(notes::add);
        request.getReasonCode().stream()
                .filter(CodeableConcept::hasText)
                .map(CodeableConcept::getText)
                .forEach(notes::add);
        return notes;
    }

    private static void code(CE ce, Coding coding, CodeableConcept concept) throws HL7Exception {
        ce.getIdentifier().setValue(coding.getCode());
        String text = coding.hasDisplay() ? coding.getDisplay() : concept != null ? concept.getText() : null;
        ce.getText().setValue(text);
        ce.getNameOfCodingSystem().setValue(CODING_SYSTEMS.getOrDefault(coding.getSystem(), "L"));
    }

    private String timestamp(Date date) {
        return TIMESTAMP.format(date.toInstant().atZone(zone));
    }

    /** Identifiers with the medical record number (type MR) first, as PID-3 expects. */
    private static List<Identifier> medicalRecordNumberFirst(List<Identifier> identifiers) {
        return identifiers.stream()
                .filter(Identifier::hasValue)
                .sorted(Comparator.comparing(identifier ->
                        identifier.getType().getCoding().stream().noneMatch(coding -> "MR".equals(coding.getCode()))))
                .toList();
    }
}
