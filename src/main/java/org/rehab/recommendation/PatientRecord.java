package org.rehab.recommendation;

import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;

/**
 * The part of a patient's record the rules can use: the patient, candidate conditions, observations and
 * procedures, and the encounters and practitioner roles those procedures reference, by versionless reference (read
 * with other patients', these may hold theirs too).
 */
record PatientRecord(
        Patient patient,
        List<Condition> conditions,
        List<Observation> observations,
        List<Procedure> procedures,
        Map<String, Resource> referenced) {}
