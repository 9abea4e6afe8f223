package org.rehab.cdshooks;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.rehab.cdshooks.RehabCdsService.PrefetchKeys;
import org.rehab.recommendation.SuppliedRecord;

/**
 * The part of a patient's record a patient-view call brought in its prefetch: each key the EHR filled stands for
 * that part of the record; resources about another patient are left out. The parts it did not bring are read from
 * the hospital's tenant, within what the call's {@code fhirAuthorization} grants ({@link FhirAccess}).
 */
final class PrefetchedRecord {

    /** The resource type each prefetch key holds. */
    static final Map<String, String> TYPES = new LinkedHashMap<>(Map.of(
            PrefetchKeys.PATIENT, "Patient",
            PrefetchKeys.CONDITIONS, "Condition",
            PrefetchKeys.OBSERVATIONS, "Observation",
            PrefetchKeys.PROCEDURES, "Procedure"));

    private PrefetchedRecord() {}

    static SuppliedRecord of(HookCall call, String patientId) {
        Map<String, Resource> referenced = new HashMap<>();
        return new SuppliedRecord(
                patient(call.prefetch().get(PrefetchKeys.PATIENT), patientId),
                entries(call, PrefetchKeys.CONDITIONS, Condition.class, c -> about(c.getSubject(), patientId), null),
                entries(
                        call,
                        PrefetchKeys.OBSERVATIONS,
                        Observation.class,
                        o -> about(o.getSubject(), patientId),
                        null),
                entries(
                        call,
                        PrefetchKeys.PROCEDURES,
                        Procedure.class,
                        p -> about(p.getSubject(), patientId),
                        referenced),
                referenced);
    }

    /** The prefetch keys whose part of the record the call did not bring. */
    static List<String> missing(SuppliedRecord record) {
        List<String> missing = new ArrayList<>();
        if (record.patient() == null) {
            missing.add(PrefetchKeys.PATIENT);
        }
        if (record.conditions() == null) {
            missing.add(PrefetchKeys.CONDITIONS);
        }
        if (record.observations() == null) {
            missing.add(PrefetchKeys.OBSERVATIONS);
        }
        if (record.procedures() == null) {
            missing.add(PrefetchKeys.PROCEDURES);
        }
        return missing;
    }

    private static Patient patient(Resource prefetched, String patientId) {
        if (prefetched == null || prefetched instanceof OperationOutcome) { // the client could not fetch it
            return null;
        }
        if (prefetched instanceof Patient patient
                && patientId.equals(patient.getIdElement().getIdPart())) {
            return patient;
        }
        throw new InvalidRequestException(
                "prefetch.patient is not the Patient of context.patientId: send that Patient, or leave the key out");
    }

    private static <T extends Resource> List<T> entries(
            HookCall call, String key, Class<T> type, Predicate<T> aboutPatient, Map<String, Resource> referenced) {
        Resource prefetched = call.prefetch().get(key);
        if (prefetched == null || prefetched instanceof OperationOutcome) {
            return null;
        }
        if (!(prefetched instanceof Bundle bundle)) {
            throw new InvalidRequestException(
                    "prefetch." + key + " is not a Bundle: send the search's Bundle, or leave the key out");
        }
        List<T> entries = new ArrayList<>();
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Resource resource = entry.getResource();
            if (type.isInstance(resource) && aboutPatient.test(type.cast(resource))) {
                entries.add(type.cast(resource));
            } else if (referenced != null
                    && (resource instanceof Encounter || resource instanceof PractitionerRole)
                    && resource.getIdElement().hasIdPart()) {
                referenced.put(
                        resource.fhirType() + "/" + resource.getIdElement().getIdPart(), resource);
            }
        }
        return entries;
    }

    private static boolean about(Reference subject, String patientId) {
        return Optional.ofNullable(subject.getReferenceElement())
                .filter(reference -> "Patient".equals(reference.getResourceType()))
                .map(reference -> patientId.equals(reference.getIdPart()))
                .orElse(false);
    }
}
