package org.rehab.recommendation;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.rehab.recommendation.RecommendationSettings.ClinicalCriteria;
import org.rehab.recommendation.rules.RecentSurgery;

class ClinicalFactsBuilderTest {

    private static final LocalDate TODAY = LocalDate.of(2026, 11, 22);
    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final String SNOMED = "http://snomed.info/sct";
    private static final String ORTHOPAEDICS = SNOMED + "|394801008";
    private static final ClinicalCriteria DEFAULTS =
            new ClinicalCriteria(90, Set.of(SNOMED + "|82423001"), Set.of(ORTHOPAEDICS));

    private final Patient patient = new Patient();
    private final List<Condition> conditions = new ArrayList<>();
    private final List<Observation> observations = new ArrayList<>();
    private final List<Procedure> procedures = new ArrayList<>();
    private final Map<String, Resource> referenced = new HashMap<>();

    ClinicalFactsBuilderTest() {
        patient.setId("Patient/p1");
    }

    @Test
    void ageIsInWholeYearsOnTheEvaluationDate() {
        patient.setBirthDateElement(new DateType("1960-11-22"));
        assertThat(facts().age())
                .hasValueSatisfying(age -> assertThat(age.years()).isEqualTo(66));

        patient.setBirthDateElement(new DateType("1960-11-23"));
        assertThat(facts().age())
                .hasValueSatisfying(age -> assertThat(age.years()).isEqualTo(65));
    }

    @Test
    void noBirthDateMeansNoAge() {
        assertThat(facts().age()).isEmpty();
        assertThat(facts().summary()).contains("age unknown");
    }

    @Test
    void activeRecurringOrRelapsedChronicPainCounts() {
        conditions.add(condition("c1", "82423001", "active", "confirmed"));
        conditions.add(condition("c2", "82423001", "recurrence", null));
        conditions.add(condition("c3", "82423001", "relapse", "provisional"));

        assertThat(facts().chronicPain())
                .extracting(p -> p.source().reference())
                .containsExactly("Condition/c1", "Condition/c2", "Condition/c3");
    }

    @Test
    void inactiveResolvedRefutedOrMistakenChronicPainDoesNotCount() {
        conditions.add(condition("c1", "82423001", "inactive", "confirmed"));
        conditions.add(condition("c2", "82423001", "resolved", "confirmed"));
        conditions.add(condition("c3", "82423001", "active", "refuted"));
        conditions.add(condition("c4", "82423001", "active", "entered-in-error"));
        conditions.add(condition("c5", "82423001", null, "confirmed"));

        assertThat(facts().chronicPain()).isEmpty();
    }

    @Test
    void otherConditionsAreNotChronicPainUnlessTheHospitalSaysSo() {
        conditions.add(condition("c1", "279039007", "active", "confirmed")); // low back pain

        assertThat(facts().chronicPain()).isEmpty();
        ClinicalCriteria lowBackPainToo =
                new ClinicalCriteria(90, Set.of(SNOMED + "|82423001", SNOMED + "|279039007"), Set.of(ORTHOPAEDICS));
        assertThat(new ClinicalFactsBuilder(lowBackPainToo, TODAY, UTC)
                        .build(record())
                        .chronicPain())
                .hasSize(1);
    }

    @Test
    void mostRecentBmiIsUsed() {
        observations.add(vital("b1", "39156-5", 31.0, "kg/m2", "2026-01-01", Observation.ObservationStatus.FINAL));
        observations.add(vital("b2", "39156-5", 28.4, "kg/m2", "2026-10-01", Observation.ObservationStatus.AMENDED));
        observations.add(vital("b3", "39156-5", 29.0, "kg/m2", "2026-06-01", Observation.ObservationStatus.CORRECTED));

        assertThat(facts().bodyMassIndex()).hasValueSatisfying(bmi -> {
            assertThat(bmi.value()).isEqualByComparingTo("28.4");
            assertThat(bmi.source().reference()).isEqualTo("Observation/b2");
            assertThat(bmi.derived()).isFalse();
        });
    }

    @Test
    void preliminaryOrCancelledBmiIsIgnored() {
        observations.add(vital("b1", "39156-5", 31.0, "kg/m2", "2026-01-01", Observation.ObservationStatus.FINAL));
        observations.add(
                vital("b2", "39156-5", 22.0, "kg/m2", "2026-10-01", Observation.ObservationStatus.PRELIMINARY));
        observations.add(vital("b3", "39156-5", 22.0, "kg/m2", "2026-10-02", Observation.ObservationStatus.CANCELLED));

        assertThat(facts().bodyMassIndex())
                .hasValueSatisfying(bmi -> assertThat(bmi.value()).isEqualByComparingTo("31.0"));
    }

    @Test
    void bmiIsDerivedFromTheLatestHeightAndWeightWhenThereIsNone() {
        observations.add(vital("h1", "8302-2", 170, "cm", "2025-01-01", Observation.ObservationStatus.FINAL));
        observations.add(vital("h2", "8302-2", 1.75, "m", "2026-01-01", Observation.ObservationStatus.FINAL));
        observations.add(vital("w1", "29463-7", 70, "kg", "2025-02-01", Observation.ObservationStatus.FINAL));
        observations.add(vital("w2", "29463-7", 212, "[lb_av]", "2026-10-01", Observation.ObservationStatus.FINAL));

        ClinicalFacts facts = facts();

        assertThat(facts.derivedBmi()).hasValueSatisfying(derived -> {
            assertThat(derived.value()).isEqualByComparingTo("31.4");
            assertThat(derived.height().getIdElement().getIdPart()).isEqualTo("h2");
            assertThat(derived.weight().getIdElement().getIdPart()).isEqualTo("w2");
            Observation stored = derived.toObservation();
            assertThat(stored.getDerivedFrom())
                    .extracting(Reference::getReference)
                    .containsExactly("Observation/h2", "Observation/w2");
            assertThat(stored.getCode().getCodingFirstRep().getCode()).isEqualTo("39156-5");
            assertThat(stored.getValueQuantity().getCode()).isEqualTo("kg/m2");
        });
        assertThat(facts.bodyMassIndex()).hasValueSatisfying(bmi -> {
            assertThat(bmi.derived()).isTrue();
            assertThat(bmi.source().reference())
                    .isEqualTo("Observation/" + facts.derivedBmi().get().observationId());
        });
    }

    @Test
    void derivedBmiHasTheSameIdWhenComputedTwice() {
        observations.add(vital("h1", "8302-2", 165, "cm", "2026-01-01", Observation.ObservationStatus.FINAL));
        observations.add(vital("w1", "29463-7", 64, "kg", "2026-01-01", Observation.ObservationStatus.FINAL));

        assertThat(facts().derivedBmi().orElseThrow().observationId())
                .isEqualTo(facts().derivedBmi().orElseThrow().observationId())
                .startsWith("rehab-bmi-");
    }

    @Test
    void storedDerivedBmiIsReusedUntilANewerWeightArrives() {
        observations.add(vital("h1", "8302-2", 165, "cm", "2026-01-01", Observation.ObservationStatus.FINAL));
        observations.add(vital("w1", "29463-7", 64, "kg", "2026-01-01", Observation.ObservationStatus.FINAL));
        Observation stored = facts().derivedBmi().orElseThrow().toObservation();
        observations.add(stored);

        assertThat(facts().derivedBmi()).isEmpty();
        assertThat(facts().bodyMassIndex())
                .hasValueSatisfying(bmi -> assertThat(bmi.value()).isEqualByComparingTo("23.5"));

        observations.add(vital("w2", "29463-7", 90, "kg", "2026-11-01", Observation.ObservationStatus.FINAL));
        assertThat(facts().derivedBmi())
                .hasValueSatisfying(d -> assertThat(d.value()).isEqualByComparingTo("33.1"));
    }

    @Test
    void measuredBmiIsKeptEvenWhenANewerWeightArrives() {
        observations.add(vital("b1", "39156-5", 24.0, "kg/m2", "2026-01-01", Observation.ObservationStatus.FINAL));
        observations.add(vital("h1", "8302-2", 165, "cm", "2026-01-01", Observation.ObservationStatus.FINAL));
        observations.add(vital("w1", "29463-7", 90, "kg", "2026-11-01", Observation.ObservationStatus.FINAL));

        assertThat(facts().derivedBmi()).isEmpty();
        assertThat(facts().bodyMassIndex())
                .hasValueSatisfying(bmi -> assertThat(bmi.value()).isEqualByComparingTo("24.0"));
    }

    @Test
    void heightOrWeightInAnUnknownUnitGivesNoBmi() {
        observations.add(vital("h1", "8302-2", 5.5, "[ft_i]", "2026-01-01", Observation.ObservationStatus.FINAL));
        observations.add(vital("w1", "29463-7", 64, "kg", "2026-01-01", Observation.ObservationStatus.FINAL));

        assertThat(facts().bodyMassIndex()).isEmpty();
        assertThat(facts().derivedBmi()).isEmpty();
    }

    @Test
    void surgeryExactlyAtTheEdgeOfTheWindowIsRecent() {
        procedures.add(surgery("s90", TODAY.minusDays(90)));
        procedures.add(surgery("s91", TODAY.minusDays(91)));
        procedures.add(surgery("today", TODAY));
        procedures.add(surgery("tomorrow", TODAY.plusDays(1)));

        assertThat(facts().recentSurgeries())
                .extracting(s -> s.source().reference())
                .containsExactlyInAnyOrder("Procedure/s90", "Procedure/today");
    }

    @Test
    void hospitalCanShortenTheWindow() {
        procedures.add(surgery("s61", TODAY.minusDays(61)));
        ClinicalCriteria sixtyDays = new ClinicalCriteria(60, DEFAULTS.chronicPainCodes(), Set.of(ORTHOPAEDICS));

        assertThat(new ClinicalFactsBuilder(sixtyDays, TODAY, UTC)
                        .build(record())
                        .recentSurgeries())
                .isEmpty();
    }

    @Test
    void endOfThePerformedPeriodCounts() {
        Procedure procedure = surgery("p", TODAY.minusDays(95));
        procedure.setPerformed(new Period().setStart(date(TODAY.minusDays(95))).setEnd(date(TODAY.minusDays(89))));
        procedures.add(procedure);

        assertThat(facts().recentSurgeries()).singleElement().satisfies(s -> assertThat(s.performed())
                .isEqualTo(TODAY.minusDays(89)));
    }

    @Test
    void unfinishedOrNonSurgicalProceduresAreNotRecentSurgeries() {
        Procedure inProgress = surgery("running", TODAY.minusDays(3));
        inProgress.setStatus(Procedure.ProcedureStatus.INPROGRESS);
        Procedure counselling = surgery("diet", TODAY.minusDays(3));
        counselling.getCategory().getCodingFirstRep().setCode("409063005");
        procedures.add(inProgress);
        procedures.add(counselling);

        assertThat(facts().recentSurgeries()).isEmpty();
    }

    @Test
    void departmentComesFromTheEncounterServiceType() {
        Encounter encounter = new Encounter();
        encounter.setId("Encounter/e1");
        encounter.setServiceType(new CodeableConcept(new Coding(SNOMED, "394801008", "Trauma and orthopedics")));
        referenced.put("Encounter/e1", encounter);
        Procedure procedure = surgery("p", TODAY.minusDays(10));
        procedure.setEncounter(new Reference("Encounter/e1"));
        procedures.add(procedure);

        RecentSurgery surgery = facts().recentSurgeries().get(0);
        assertThat(surgery.inAdmissibleDepartment()).isTrue();
        assertThat(surgery.departments()).containsExactly(ORTHOPAEDICS);
        assertThat(surgery.source().display()).contains("Trauma and orthopedics");
    }

    @Test
    void departmentComesFromThePerformersPractitionerRole() {
        PractitionerRole role = new PractitionerRole();
        role.setId("PractitionerRole/r1");
        role.addSpecialty(new CodeableConcept(new Coding(SNOMED, "394801008", "Trauma and orthopedics")));
        referenced.put("PractitionerRole/r1", role);
        Procedure procedure = surgery("p", TODAY.minusDays(10));
        procedure.addPerformer().setActor(new Reference("PractitionerRole/r1"));
        procedures.add(procedure);

        assertThat(facts().recentSurgeries().get(0).inAdmissibleDepartment()).isTrue();
    }

    @Test
    void surgeryInAnotherDepartmentIsRecentButNotAdmissible() {
        Encounter encounter = new Encounter();
        encounter.setId("Encounter/e1");
        encounter.setServiceType(new CodeableConcept(new Coding(SNOMED, "394609007", "General surgery")));
        referenced.put("Encounter/e1", encounter);
        Procedure procedure = surgery("p", TODAY.minusDays(10));
        procedure.setEncounter(new Reference("Encounter/e1"));
        procedures.add(procedure);

        assertThat(facts().recentSurgeries()).singleElement().satisfies(s -> assertThat(s.inAdmissibleDepartment())
                .isFalse());
        assertThat(facts().summary()).contains("department not admissible");
    }

    @Test
    void patientWhoDiedGetsNoFactsForTheRules() {
        patient.setBirthDateElement(new DateType("1940-01-01"));
        patient.setDeceased(new DateTimeType("2001-03-04T10:00:00Z"));

        assertThat(facts().notEligible()).hasValue("the patient is recorded as deceased on 2001-03-04");
        assertThat(facts().all()).isEmpty();
        assertThat(facts().summary()).isEqualTo("the patient is recorded as deceased on 2001-03-04");
    }

    @Test
    void patientRecordedAsDeceasedWithoutADateOrInactiveIsNotEligible() {
        patient.setDeceased(new BooleanType(true));
        assertThat(facts().notEligible()).hasValue("the patient is recorded as deceased");

        patient.setDeceased(new BooleanType(false)).setActive(false);
        assertThat(facts().notEligible())
                .hasValueSatisfying(why -> assertThat(why).contains("not active"));

        patient.setActive(true);
        assertThat(facts().notEligible()).isEmpty();
    }

    private ClinicalFacts facts() {
        return new ClinicalFactsBuilder(DEFAULTS, TODAY, UTC).build(record());
    }

    private PatientRecord record() {
        return new PatientRecord(patient, conditions, observations, procedures, referenced);
    }

    private static Condition condition(String id, String code, String clinical, String verification) {
        Condition condition = new Condition();
        condition.setId("Condition/" + id);
        condition.setCode(new CodeableConcept(new Coding(SNOMED, code, "Chronic pain")));
        if (clinical != null) {
            condition.setClinicalStatus(new CodeableConcept(
                    new Coding("http://terminology.hl7.org/CodeSystem/condition-clinical", clinical, null)));
        }
        if (verification != null) {
            condition.setVerificationStatus(new CodeableConcept(
                    new Coding("http://terminology.hl7.org/CodeSystem/condition-ver-status", verification, null)));
        }
        return condition;
    }

    private static Observation vital(
            String id, String loinc, double value, String unit, String date, Observation.ObservationStatus status) {
        Observation observation = new Observation();
        observation.setId("Observation/" + id);
        observation.setStatus(status);
        observation.setCode(new CodeableConcept(new Coding("http://loinc.org", loinc, null)));
        observation.setSubject(new Reference("Patient/p1"));
        observation.setEffective(new DateTimeType(date));
        observation.setValue(new Quantity()
                .setValue(BigDecimal.valueOf(value))
                .setSystem("http://unitsofmeasure.org")
                .setCode(unit));
        return observation;
    }

    private static Procedure surgery(String id, LocalDate performed) {
        Procedure procedure = new Procedure();
        procedure.setId("Procedure/" + id);
        procedure.setStatus(Procedure.ProcedureStatus.COMPLETED);
        procedure.setCategory(new CodeableConcept(new Coding(SNOMED, "387713003", "Surgical procedure")));
        procedure.setCode(new CodeableConcept(new Coding(SNOMED, "609588000", "Total knee replacement")));
        procedure.setPerformed(new DateTimeType(date(performed)));
        return procedure;
    }

    private static Date date(LocalDate day) {
        return Date.from(day.atTime(10, 0).toInstant(ZoneOffset.UTC));
    }
}
