package org.rehab.bench;

import static org.rehab.testsupport.ClinicalFixtures.put;

import ca.uhn.fhir.context.FhirContext;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
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

/** Synthetic patient records for the benchmark, as transaction bundles. */
final class History {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String SNOMED = "http://snomed.info/sct";
    private static final String LOINC = "http://loinc.org";

    private History() {}

    /**
     * A 70-year-old with a long record: 400 observations (BMI, height, weight and heart rate over 25 years),
     * 200 procedures (old surgeries, recent non-surgical procedures, one recent orthopaedic surgery), 100
     * encounters and 30 conditions, of which one active chronic pain.
     */
    static String longHistory(String id) {
        Bundle bundle = transaction();
        put(bundle, patient(id, 70));
        for (int i = 0; i < 100; i++) {
            LocalDate day = LocalDate.now().minusDays(7L + 90L * i);
            put(bundle, vital(id + "-bmi-" + i, id, "39156-5", 24 + (i % 7) * 0.5, "kg/m2", day));
            put(bundle, vital(id + "-weight-" + i, id, "29463-7", 70 + (i % 9), "kg", day));
            put(bundle, vital(id + "-height-" + i, id, "8302-2", 172, "cm", day));
            put(bundle, vital(id + "-pulse-" + i, id, "8867-4", 60 + (i % 20), "/min", day));
            put(bundle, encounter(id + "-enc-" + i, id, i % 3 == 0 ? "394801008" : "394609007", day));
        }
        for (int i = 0; i < 200; i++) {
            boolean recent = i < 10;
            LocalDate day =
                    recent ? LocalDate.now().minusDays(5L + i) : LocalDate.now().minusDays(120L + 40L * i);
            boolean surgical = !recent || i == 0;
            put(bundle, procedure(id + "-proc-" + i, id, surgical, id + "-enc-" + (i % 100), day));
        }
        for (int i = 0; i < 30; i++) {
            put(bundle, condition(id + "-cond-" + i, id, i == 0 ? "82423001" : "38341003", i == 0 || i % 2 == 0));
        }
        return FHIR.newJsonParser().encodeResourceToString(bundle);
    }

    /** Patients that only add volume: each with 10 observations, 5 encounters, 5 procedures and 3 conditions. */
    static String backgroundPatients(int first, int count) {
        Bundle bundle = transaction();
        for (int n = first; n < first + count; n++) {
            String id = "bg-" + n;
            put(bundle, patient(id, 30 + n % 60));
            for (int i = 0; i < 10; i++) {
                LocalDate day = LocalDate.now().minusDays(30L * i + n % 30);
                put(
                        bundle,
                        vital(
                                id + "-obs-" + i,
                                id,
                                i % 2 == 0 ? "39156-5" : "29463-7",
                                20 + n % 15,
                                i % 2 == 0 ? "kg/m2" : "kg",
                                day));
            }
            for (int i = 0; i < 5; i++) {
                LocalDate day = LocalDate.now().minusDays(60L * i + n % 60);
                put(bundle, encounter(id + "-enc-" + i, id, "394801008", day));
                put(bundle, procedure(id + "-proc-" + i, id, i % 2 == 0, id + "-enc-" + i, day));
            }
            for (int i = 0; i < 3; i++) {
                put(bundle, condition(id + "-cond-" + i, id, i == 0 ? "82423001" : "38341003", true));
            }
        }
        return FHIR.newJsonParser().encodeResourceToString(bundle);
    }

    /** Patients {@code obese-{n}} whose BMI of 35 calls for a weight management program, and nothing else. */
    static String obesePatients(int first, int count) {
        Bundle bundle = transaction();
        for (int n = first; n < first + count; n++) {
            String id = "obese-" + n;
            put(bundle, patient(id, 40));
            put(
                    bundle,
                    vital(
                            id + "-bmi",
                            id,
                            "39156-5",
                            35,
                            "kg/m2",
                            LocalDate.now().minusDays(3)));
        }
        return FHIR.newJsonParser().encodeResourceToString(bundle);
    }

    /** A transaction adding one heart-rate Observation to a patient's record. */
    static String heartRate(String patient) {
        Bundle bundle = transaction();
        Observation pulse = vital(null, patient, "8867-4", 72, "/min", LocalDate.now());
        bundle.addEntry()
                .setResource(pulse)
                .getRequest()
                .setMethod(Bundle.HTTPVerb.POST)
                .setUrl("Observation");
        return FHIR.newJsonParser().encodeResourceToString(bundle);
    }

    private static Patient patient(String id, int age) {
        Patient patient = new Patient();
        patient.setId(id);
        patient.addName().setFamily("Benchmark").addGiven(id);
        patient.setBirthDateElement(
                new DateType(LocalDate.now().minusYears(age).minusDays(3).toString()));
        return patient;
    }

    private static Observation vital(
            String id, String patient, String loinc, double value, String unit, LocalDate day) {
        Observation observation = new Observation();
        observation.setId(id);
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.setCode(new CodeableConcept(new Coding(LOINC, loinc, null)));
        observation.setSubject(new Reference("Patient/" + patient));
        observation.setEffective(new DateTimeType(date(day)));
        observation.setValue(new Quantity()
                .setValue(BigDecimal.valueOf(value))
                .setSystem("http://unitsofmeasure.org")
                .setCode(unit)
                .setUnit(unit));
        return observation;
    }

    private static Encounter encounter(String id, String patient, String service, LocalDate day) {
        Encounter encounter = new Encounter();
        encounter.setId(id);
        encounter.setStatus(Encounter.EncounterStatus.FINISHED);
        encounter.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP", "inpatient"));
        encounter.setSubject(new Reference("Patient/" + patient));
        encounter.setServiceType(new CodeableConcept(new Coding(SNOMED, service, null)));
        encounter.getPeriod().setStart(date(day)).setEnd(date(day.plusDays(1)));
        return encounter;
    }

    private static Procedure procedure(String id, String patient, boolean surgical, String encounter, LocalDate day) {
        Procedure procedure = new Procedure();
        procedure.setId(id);
        procedure.setStatus(Procedure.ProcedureStatus.COMPLETED);
        procedure.setCategory(new CodeableConcept(new Coding(
                SNOMED,
                surgical ? "387713003" : "103693007",
                surgical ? "Surgical procedure" : "Diagnostic procedure")));
        procedure.setCode(new CodeableConcept(new Coding(SNOMED, surgical ? "609588000" : "11816003", null)));
        procedure.setSubject(new Reference("Patient/" + patient));
        procedure.setEncounter(new Reference("Encounter/" + encounter));
        procedure.setPerformed(new DateTimeType(date(day)));
        return procedure;
    }

    private static Condition condition(String id, String patient, String code, boolean active) {
        Condition condition = new Condition();
        condition.setId(id);
        condition.setClinicalStatus(new CodeableConcept(new Coding(
                "http://terminology.hl7.org/CodeSystem/condition-clinical", active ? "active" : "resolved", null)));
        condition.setCode(new CodeableConcept(new Coding(SNOMED, code, null)));
        condition.setSubject(new Reference("Patient/" + patient));
        return condition;
    }

    private static Bundle transaction() {
        return new Bundle().setType(Bundle.BundleType.TRANSACTION);
    }

    private static Date date(LocalDate day) {
        return Date.from(day.atTime(9, 0).toInstant(ZoneOffset.UTC));
    }
}
