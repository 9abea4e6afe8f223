package org.rehab.adt;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.util.Terser;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.rehab.conformance.ProfileValidatingInterceptor;
import org.rehab.tenant.RequestTenants;
import org.springframework.stereotype.Component;

/**
 * Applies an ADT message to the hospital's records, in the caller's transaction: A01, A04 and A08 create or update
 * the Patient with the medical record number in PID-3 (A01 and A04 also the Encounter of PV1-19's visit, in
 * progress), A03 finishes that Encounter, A40 merges the patient of MRG-1 into the one of PID-3. A medical record
 * number of a patient merged into another stands for the survivor.
 */
@Component
class AdtApplier {

    /** What was applied: the Patient (and the Encounter, or the Patient merged into it) touched, for the audit. */
    record Applied(String patientId, String encounterId, String mergedPatientId) {}

    private static final String IDENTIFIER_TYPES = "http://terminology.hl7.org/CodeSystem/v2-0203";
    private static final String ACT_CODES = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

    private final IFhirResourceDao<Patient> patients;
    private final IFhirResourceDao<Encounter> encounters;
    private final AdtSettings settings;
    private final PatientMerge merge;
    private final ZoneId zone;

    AdtApplier(DaoRegistry daos, AdtSettings settings, PatientMerge merge, Clock clock) {
        this.patients = daos.getResourceDao(Patient.class);
        this.encounters = daos.getResourceDao(Encounter.class);
        this.settings = settings;
        this.merge = merge;
        this.zone = clock.getZone();
    }

    Applied apply(String tenant, Terser message) throws HL7Exception {
        String type = message.get("/MSH-9-1");
        String trigger = message.get("/MSH-9-2");
        if (!"ADT".equals(type)) {
            throw new Unapplicable(
                    AdtAck.Error.UNSUPPORTED_MESSAGE_TYPE, "Only ADT messages are taken here, not " + type);
        }
        if (trigger == null || !List.of("A01", "A03", "A04", "A08", "A40").contains(trigger)) {
            throw new Unapplicable(
                    AdtAck.Error.UNSUPPORTED_EVENT_CODE,
                    "ADT^" + trigger + " is not taken here: A01, A03, A04, A08 and A40 are");
        }
        SystemRequestDetails request = RequestTenants.systemRequestIn(tenant);
        // Built here from typed HL7 fields into FHIR's own types (a test holds them to a client's validation).
        ProfileValidatingInterceptor.writesServerBuiltResources(request, true);
        if ("A40".equals(trigger)) {
            return merge(tenant, message, request);
        }
        // One per message: the Patient created first is known to the Encounter's reference without a query.
        TransactionDetails details = new TransactionDetails();
        Patient patient = upsertPatient(tenant, message, request, details);
        Reference subject = new Reference("Patient/" + patient.getIdElement().getIdPart());
        String encounter =
                switch (trigger) {
                    case "A01", "A04" -> admit(tenant, message, subject, request, details);
                    case "A03" -> discharge(tenant, message, subject, request, details);
                    default -> null;
                };
        return new Applied(patient.getIdElement().getIdPart(), encounter, null);
    }

    private Patient upsertPatient(
            String tenant, Terser message, SystemRequestDetails request, TransactionDetails details)
            throws HL7Exception {
        Identifier mrn = medicalRecordNumber(tenant, message, "PID-3");
        Patient patient = patientWith(mrn, request);
        if (patient == null) {
            patient = new Patient();
            patient.addIdentifier(mrn);
        }
        PatientDemographics.apply(message, patient, zone);
        return save(patients, patient, request, details);
    }

    /**
     * A40: the patient of MRG-1 is merged into the patient of PID-3 (created if not known yet), whose demographics
     * PID carries. A merge already made is answered as made.
     */
    private Applied merge(String tenant, Terser message, SystemRequestDetails request) throws HL7Exception {
        Identifier mergedMrn = medicalRecordNumber(tenant, message, "MRG-1");
        Patient merged = one(patients, "identifier", mergedMrn, request, "patient");
        if (merged == null) {
            throw new Unapplicable(
                    AdtAck.Error.UNKNOWN_KEY_IDENTIFIER, "No patient carries the medical record number in MRG-1");
        }
        Identifier survivorMrn = medicalRecordNumber(tenant, message, "PID-3");
        Patient survivor = patientWith(survivorMrn, request);
        String mergedId = merged.getIdElement().getIdPart();
        if (survivor != null && mergedId.equals(survivor.getIdElement().getIdPart())) {
            throw new Unapplicable(
                    AdtAck.Error.DUPLICATE_KEY_IDENTIFIER, "PID-3 and MRG-1 name the same patient: nothing to merge");
        }
        Optional<String> replacedBy = replacedBy(merged);
        if (replacedBy.isPresent()) {
            if (survivor != null
                    && replacedBy.get().equals(survivor.getIdElement().getIdPart())) {
                return new Applied(replacedBy.get(), null, mergedId);
            }
            throw new Unapplicable(
                    AdtAck.Error.UNKNOWN_KEY_IDENTIFIER,
                    "The patient of MRG-1 was merged into another patient than the one of PID-3 before");
        }
        if (survivor == null) {
            survivor = new Patient().addIdentifier(survivorMrn);
        }
        PatientDemographics.apply(message, survivor, zone);
        TransactionDetails details = new TransactionDetails();
        if (!survivor.getIdElement().hasIdPart()) {
            save(patients, survivor, request, details); // the merge points references at its id
        }
        merge.merge(request, merged, survivor);
        save(patients, survivor, request, details);
        return new Applied(survivor.getIdElement().getIdPart(), null, mergedId);
    }

    /** The Patient with this medical record number; if it was merged into another, the survivor. */
    private Patient patientWith(Identifier mrn, SystemRequestDetails request) {
        Patient patient = one(patients, "identifier", mrn, request, "patient");
        Optional<String> survivor = patient == null ? Optional.empty() : replacedBy(patient);
        return survivor.isPresent() ? patients.read(new IdType("Patient", survivor.get()), request) : patient;
    }

    private static Optional<String> replacedBy(Patient patient) {
        return patient.getLink().stream()
                .filter(link -> link.getType() == Patient.LinkType.REPLACEDBY)
                .map(link -> link.getOther().getReferenceElement())
                .filter(other -> "Patient".equals(other.getResourceType()))
                .map(other -> other.getIdPart())
                .findFirst();
    }

    private static <T extends Resource> T save(
            IFhirResourceDao<T> dao, T resource, SystemRequestDetails request, TransactionDetails details) {
        IdType id = resource.getIdElement().hasIdPart()
                ? (IdType) dao.update(resource, null, true, false, request, details)
                        .getId()
                : (IdType) dao.create(resource, null, true, request, details).getId();
        resource.setId(id.toUnqualifiedVersionless());
        return resource;
    }

    /** The field's (PID-3's or MRG-1's) repetition of type MR, or its first one. */
    private Identifier medicalRecordNumber(String tenant, Terser message, String field) throws HL7Exception {
        String path = "/." + field;
        int chosen = 0;
        for (int i = 0; i < 20 && message.get(path + "(" + i + ")-1") != null; i++) {
            if ("MR".equals(message.get(path + "(" + i + ")-5"))) {
                chosen = i;
                break;
            }
        }
        String cx = path + "(" + chosen + ")";
        String value = message.get(cx + "-1");
        if (value == null || value.isBlank()) {
            throw new Unapplicable(
                    AdtAck.Error.REQUIRED_FIELD_MISSING, field + " carries no medical record number (CX-1 is empty)");
        }
        return new Identifier()
                .setSystem(system(message, cx, settings.mrnSystem(tenant)))
                .setValue(value.trim())
                .setType(new CodeableConcept(new Coding(IDENTIFIER_TYPES, "MR", "Medical record number")));
    }

    private String admit(
            String tenant, Terser message, Reference subject, SystemRequestDetails request, TransactionDetails details)
            throws HL7Exception {
        Identifier visit = visitNumber(tenant, message);
        Encounter encounter = visit == null ? null : one(encounters, "identifier", visit, request, "encounter");
        if (encounter == null) {
            encounter = new Encounter();
            if (visit != null) {
                encounter.addIdentifier(visit);
            }
        }
        requireSamePatient(encounter, subject);
        encounter.setStatus(Encounter.EncounterStatus.INPROGRESS);
        encounter.setSubject(subject);
        encounter.setClass_(patientClass(message.get("/.PV1-2")));
        String admitted = message.get("/.PV1-44-1");
        String sent = message.get("/MSH-7-1");
        DateTimeType start = Hl7Times.dateTime(admitted, zone)
                .or(() -> Hl7Times.dateTime(sent, zone))
                .orElse(null);
        if (start != null) {
            encounter.getPeriod().setStartElement(start);
        }
        return save(encounters, encounter, request, details).getIdElement().getIdPart();
    }

    private String discharge(
            String tenant, Terser message, Reference subject, SystemRequestDetails request, TransactionDetails details)
            throws HL7Exception {
        Identifier visit = visitNumber(tenant, message);
        if (visit == null) {
            throw new Unapplicable(
                    AdtAck.Error.REQUIRED_FIELD_MISSING, "PV1-19 (visit number) is needed to say which visit ended");
        }
        Encounter encounter = one(encounters, "identifier", visit, request, "encounter");
        if (encounter == null) {
            encounter = new Encounter().addIdentifier(visit);
            encounter.setClass_(patientClass(message.get("/.PV1-2")));
        }
        requireSamePatient(encounter, subject);
        encounter.setSubject(subject);
        encounter.setStatus(Encounter.EncounterStatus.FINISHED);
        String discharged = message.get("/.PV1-45-1");
        String sent = message.get("/MSH-7-1");
        Optional<DateTimeType> end = Hl7Times.dateTime(discharged, zone).or(() -> Hl7Times.dateTime(sent, zone));
        if (end.isPresent()) {
            encounter.getPeriod().setEndElement(end.get());
        }
        return save(encounters, encounter, request, details).getIdElement().getIdPart();
    }

    private static void requireSamePatient(Encounter encounter, Reference subject) {
        if (encounter.hasSubject()
                && !subject.getReference().equals(encounter.getSubject().getReference())) {
            throw new Unapplicable(
                    AdtAck.Error.UNKNOWN_KEY_IDENTIFIER, "The visit in PV1-19 belongs to another patient");
        }
    }

    private Identifier visitNumber(String tenant, Terser message) throws HL7Exception {
        String value = message.get("/.PV1-19-1");
        if (value == null || value.isBlank()) {
            return null;
        }
        return new Identifier()
                .setSystem(system(message, "/.PV1-19", settings.visitSystem(tenant)))
                .setValue(value.trim())
                .setType(new CodeableConcept(new Coding(IDENTIFIER_TYPES, "VN", "Visit number")));
    }

    /** CX-4, the assigning authority, as a FHIR system when it is a URI or an OID; else the hospital's default. */
    private static String system(Terser message, String cx, String fallback) throws HL7Exception {
        String universalId = message.get(cx + "-4-2");
        String type = message.get(cx + "-4-3");
        if (universalId != null && "URI".equalsIgnoreCase(type)) {
            return universalId;
        }
        if (universalId != null && "ISO".equalsIgnoreCase(type)) {
            return "urn:oid:" + universalId;
        }
        return fallback;
    }

    /** PV1-2 (HL7 table 0004) as the Encounter's class. */
    private static Coding patientClass(String code) {
        return switch (code == null ? "" : code) {
            case "I" -> new Coding(ACT_CODES, "IMP", "inpatient encounter");
            case "E" -> new Coding(ACT_CODES, "EMER", "emergency");
            case "P" -> new Coding(ACT_CODES, "PRENC", "pre-admission");
            default -> new Coding(ACT_CODES, "AMB", "ambulatory");
        };
    }

    private static <T extends Resource> T one(
            IFhirResourceDao<T> dao,
            String parameter,
            Identifier identifier,
            SystemRequestDetails request,
            String what) {
        SearchParameterMap search = SearchParameterMap.newSynchronous()
                .add(parameter, new TokenParam(identifier.getSystem(), identifier.getValue()));
        List<T> found = dao.searchForResources(search, request);
        if (found.size() > 1) {
            throw new Unapplicable(
                    AdtAck.Error.UNKNOWN_KEY_IDENTIFIER,
                    "More than one " + what + " carries this identifier; merge them first");
        }
        return found.isEmpty() ? null : found.get(0);
    }
}
