package org.rehab.testsupport;

import java.math.BigDecimal;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/** Clinical data for tests. */
public final class ClinicalFixtures {

    /** The resource types of {@link #clinicalBundle}, each stored under the id {@code {patient id}-{type}}. */
    public static final List<Class<? extends Resource>> CLINICAL_TYPES =
            List.of(Encounter.class, Procedure.class, Condition.class, Observation.class);

    private ClinicalFixtures() {}

    /** A transaction putting a Patient with an Encounter, Procedure, Condition and Observation. */
    public static Bundle clinicalBundle(String id, String family) {
        Patient patient = new Patient();
        patient.setId(id);
        patient.addName().setFamily(family + "-" + id).addGiven("Test");
        patient.setBirthDateElement(new DateType("1950-04-01"));

        Encounter encounter = new Encounter();
        encounter.setId(id + "-encounter");
        encounter.setStatus(Encounter.EncounterStatus.FINISHED);
        encounter.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP", "inpatient"));
        encounter.setSubject(new Reference("Patient/" + id));

        Procedure procedure = new Procedure();
        procedure.setId(id + "-procedure");
        procedure.setStatus(Procedure.ProcedureStatus.COMPLETED);
        procedure.setCode(snomed("609588000", "Total knee replacement"));
        procedure.setSubject(new Reference("Patient/" + id));
        procedure.setEncounter(new Reference("Encounter/" + id + "-encounter"));
        procedure.setPerformed(new DateTimeType("2026-10-01"));

        Condition condition = new Condition();
        condition.setId(id + "-condition");
        condition.setCode(snomed("82423001", "Chronic pain"));
        condition.setSubject(new Reference("Patient/" + id));

        Observation observation = new Observation();
        observation.setId(id + "-observation");
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.setCode(new CodeableConcept(new Coding("http://loinc.org", "39156-5", "BMI")));
        observation.setSubject(new Reference("Patient/" + id));

        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (Resource resource : List.of(patient, encounter, procedure, condition, observation)) {
            put(bundle, resource);
        }
        return bundle;
    }

    /** A body mass index of the patient (kg/m2), measured now. */
    public static Observation bmi(String patient, String value) {
        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.setCode(new CodeableConcept(new Coding("http://loinc.org", "39156-5", "BMI")));
        observation.setSubject(new Reference("Patient/" + patient));
        observation.setEffective(new DateTimeType(new Date()));
        observation.setValue(new Quantity()
                .setValue(new BigDecimal(value))
                .setUnit("kg/m2")
                .setSystem("http://unitsofmeasure.org")
                .setCode("kg/m2"));
        return observation;
    }

    /** Adds the resource to a transaction or batch as a PUT under its own id. */
    public static void put(Bundle bundle, Resource resource) {
        bundle.addEntry()
                .setResource(resource)
                .getRequest()
                .setMethod(Bundle.HTTPVerb.PUT)
                .setUrl(resource.fhirType() + "/" + resource.getIdElement().getIdPart());
    }

    private static CodeableConcept snomed(String code, String display) {
        return new CodeableConcept(new Coding("http://snomed.info/sct", code, display));
    }
}
