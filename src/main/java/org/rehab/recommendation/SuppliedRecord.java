package org.rehab.recommendation;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;

/**
 * Parts of a patient's record that another system sent along (a CDS Hooks prefetch): each part given stands for
 * the whole of that part, in place of what the tenant holds; a part left null is read from the tenant.
 *
 * @param patient the patient, or null
 * @param conditions their conditions, or null
 * @param observations their observations, or null
 * @param procedures their procedures, or null
 * @param referenced encounters and practitioner roles the procedures refer to, by versionless reference
 */
public record SuppliedRecord(
        Patient patient,
        List<Condition> conditions,
        List<Observation> observations,
        List<Procedure> procedures,
        Map<String, Resource> referenced) {

    /** Whether every part is given, so that the tenant need not be read. */
    public boolean complete() {
        return patient != null && conditions != null && observations != null && procedures != null;
    }

    /** This record's parts over those of the tenant's record ({@code held}, null if the tenant has none). */
    PatientRecord over(PatientRecord held) {
        Map<String, Resource> allReferenced = new HashMap<>();
        if (held != null) {
            allReferenced.putAll(held.referenced());
        }
        allReferenced.putAll(referenced);
        return new PatientRecord(
                patient != null ? patient : held.patient(),
                conditions != null ? conditions : held == null ? List.of() : held.conditions(),
                observations != null ? observations : held == null ? List.of() : held.observations(),
                procedures != null ? procedures : held == null ? List.of() : held.procedures(),
                allReferenced);
    }
}
