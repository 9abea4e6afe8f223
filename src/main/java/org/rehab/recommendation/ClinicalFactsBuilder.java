package org.rehab.recommendation;

import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.rehab.recommendation.RecommendationSettings.ClinicalCriteria;
import org.rehab.recommendation.rules.Age;
import org.rehab.recommendation.rules.BodyMassIndex;
import org.rehab.recommendation.rules.ChronicPain;
import org.rehab.recommendation.rules.Evidence;
import org.rehab.recommendation.rules.RecentSurgery;

/**
 * Reads the facts of the reference (../shared/reference/clinical-rules.md) off a patient's FHIR record: age in
 * whole years, active chronic pain, the most recent BMI (derived from height and weight when needed), and
 * recent surgeries with their departments. Plain code: no database, no clock of its own.
 */
final class ClinicalFactsBuilder {

    static final String LOINC = "http://loinc.org";
    static final String SNOMED = "http://snomed.info/sct";
    static final String HEIGHT_LOINC = "8302-2";
    static final String WEIGHT_LOINC = "29463-7";
    static final String SURGICAL_PROCEDURE = SNOMED + "|387713003";

    private static final Set<String> ACTIVE_CLINICAL_STATUSES = Set.of("active", "recurrence", "relapse");
    private static final Set<String> EXCLUDED_VERIFICATION_STATUSES = Set.of("refuted", "entered-in-error");
    private static final Set<Observation.ObservationStatus> USABLE_OBSERVATION_STATUSES = Set.of(
            Observation.ObservationStatus.FINAL,
            Observation.ObservationStatus.AMENDED,
            Observation.ObservationStatus.CORRECTED);

    private final ClinicalCriteria criteria;
    private final LocalDate today;
    private final ZoneId zone;

    ClinicalFactsBuilder(ClinicalCriteria criteria, LocalDate today, ZoneId zone) {
        this.criteria = criteria;
        this.today = today;
        this.zone = zone;
    }

    ClinicalFacts build(PatientRecord record) {
        Optional<DerivedBmi> derived = derivedBmi(record.observations());
        Optional<BodyMassIndex> bmi = derived.isPresent()
                ? derived.map(ClinicalFactsBuilder::derivedFact)
                : latest(record.observations(), DerivedBmi.BMI_LOINC).flatMap(this::measuredBmi);
        return new ClinicalFacts(
                age(record),
                chronicPain(record.conditions()),
                bmi,
                recentSurgeries(record),
                derived,
                notEligible(record));
    }

    private Optional<Age> age(PatientRecord record) {
        if (!record.patient().hasBirthDate()) {
            return Optional.empty();
        }
        LocalDate birth = toLocalDate(record.patient().getBirthDate());
        return Optional.of(new Age(Period.between(birth, today).getYears()));
    }

    private List<ChronicPain> chronicPain(List<Condition> conditions) {
        return conditions.stream()
                .filter(c -> hasAnyCode(c.getCode(), criteria.chronicPainCodes()))
                .filter(c -> hasCodeIn(c.getClinicalStatus(), ACTIVE_CLINICAL_STATUSES))
                .filter(c -> !hasCodeIn(c.getVerificationStatus(), EXCLUDED_VERIFICATION_STATUSES))
                .map(c -> new ChronicPain(new Evidence(reference(c), describe(c.getCode()) + onset(c))))
                .toList();
    }

    private String onset(Condition condition) {
        return condition.hasOnsetDateTimeType()
                        && condition.getOnsetDateTimeType().getValue() != null
                ? ", since " + toLocalDate(condition.getOnsetDateTimeType().getValue())
                : "";
    }

    /** A BMI is derived when there is none, or when the latest one was derived and a newer height or weight came. */
    private Optional<DerivedBmi> derivedBmi(List<Observation> observations) {
        Optional<Observation> latestBmi = latest(observations, DerivedBmi.BMI_LOINC);
        Optional<Observation> height = latest(observations, HEIGHT_LOINC)
                .filter(h -> BodyMassIndexCalculator.isSupportedHeight(h.getValueQuantity()));
        Optional<Observation> weight = latest(observations, WEIGHT_LOINC)
                .filter(w -> BodyMassIndexCalculator.isSupportedWeight(w.getValueQuantity()));
        if (height.isEmpty() || weight.isEmpty()) {
            return Optional.empty();
        }
        Date measured = later(effective(height.get()), effective(weight.get()));
        boolean needed = latestBmi.isEmpty()
                || latestBmi.get().hasDerivedFrom()
                        && measured.after(effective(latestBmi.get()))
                        && !latestBmi.get().getDerivedFrom().stream()
                                .map(r -> r.getReferenceElement().getIdPart())
                                .toList()
                                .containsAll(List.of(
                                        height.get().getIdElement().getIdPart(),
                                        weight.get().getIdElement().getIdPart()));
        if (!needed) {
            return Optional.empty();
        }
        return BodyMassIndexCalculator.bmi(
                        height.get().getValueQuantity(), weight.get().getValueQuantity())
                .map(value -> new DerivedBmi(value, height.get(), weight.get(), measured));
    }

    private static BodyMassIndex derivedFact(DerivedBmi derived) {
        String display = "BMI " + derived.value() + " kg/m2, derived from height " + quantity(derived.height())
                + " and weight " + quantity(derived.weight());
        return new BodyMassIndex(
                derived.value(), new Evidence("Observation/" + derived.observationId(), display), true);
    }

    private Optional<BodyMassIndex> measuredBmi(Observation observation) {
        Quantity quantity = observation.getValueQuantity();
        String unit = quantity.hasCode() ? quantity.getCode() : quantity.getUnit();
        if (!observation.hasValueQuantity() || !quantity.hasValue() || !"kg/m2".equals(unit)) {
            return Optional.empty();
        }
        String display = "BMI " + quantity.getValue() + " kg/m2 on " + toLocalDate(effective(observation));
        return Optional.of(new BodyMassIndex(
                quantity.getValue(), new Evidence(reference(observation), display), observation.hasDerivedFrom()));
    }

    private List<RecentSurgery> recentSurgeries(PatientRecord record) {
        List<RecentSurgery> surgeries = new ArrayList<>();
        LocalDate windowStart = today.minusDays(criteria.recentSurgeryDays());
        for (Procedure procedure : record.procedures()) {
            Optional<LocalDate> performed = performed(procedure);
            if (procedure.getStatus() != Procedure.ProcedureStatus.COMPLETED
                    || !hasAnyCode(procedure.getCategory(), Set.of(SURGICAL_PROCEDURE))
                    || performed.isEmpty()
                    || performed.get().isBefore(windowStart)
                    || performed.get().isAfter(today)) {
                continue;
            }
            List<Coding> departments = departments(procedure, record);
            boolean admissible = departments.stream()
                    .anyMatch(d -> criteria.admissibleDepartments().contains(key(d)));
            String display = describe(procedure.getCode()) + " on " + performed.get()
                    + (departments.isEmpty() ? "" : ", " + describe(departments.get(0)));
            surgeries.add(new RecentSurgery(
                    new Evidence(reference(procedure), display),
                    performed.get(),
                    departments.stream().map(ClinicalFactsBuilder::key).toList(),
                    admissible));
        }
        return surgeries;
    }

    /** The date a procedure was performed: performedDateTime, or the end of performedPeriod. */
    private Optional<LocalDate> performed(Procedure procedure) {
        if (procedure.hasPerformedDateTimeType()) {
            return Optional.ofNullable(procedure.getPerformedDateTimeType().getValue())
                    .map(this::toLocalDate);
        }
        if (procedure.hasPerformedPeriod() && procedure.getPerformedPeriod().hasEnd()) {
            return Optional.of(toLocalDate(procedure.getPerformedPeriod().getEnd()));
        }
        return Optional.empty();
    }

    /** The department codes of Procedure.encounter's serviceType and of the performers' specialties. */
    private static List<Coding> departments(Procedure procedure, PatientRecord record) {
        Set<Coding> codes = new LinkedHashSet<>();
        if (record.referenced().get(key(procedure.getEncounter())) instanceof Encounter encounter) {
            codes.addAll(encounter.getServiceType().getCoding());
        }
        for (Procedure.ProcedurePerformerComponent performer : procedure.getPerformer()) {
            if (record.referenced().get(key(performer.getActor())) instanceof PractitionerRole role) {
                role.getSpecialty().forEach(specialty -> codes.addAll(specialty.getCoding()));
            }
        }
        return codes.stream().filter(Coding::hasCode).toList();
    }

    /** The most recent usable observation with the LOINC code, by effective time. */
    private static Optional<Observation> latest(List<Observation> observations, String loincCode) {
        return observations.stream()
                .filter(o -> USABLE_OBSERVATION_STATUSES.contains(o.getStatus()))
                .filter(o -> hasAnyCode(o.getCode(), Set.of(LOINC + "|" + loincCode)))
                .filter(o -> effective(o) != null)
                .max(Comparator.comparing(ClinicalFactsBuilder::effective));
    }

    static Date effective(Observation observation) {
        if (observation.hasEffectiveDateTimeType()) {
            return observation.getEffectiveDateTimeType().getValue();
        }
        if (observation.hasEffectiveInstantType()) {
            return observation.getEffectiveInstantType().getValue();
        }
        if (observation.hasEffectivePeriod()) {
            return observation.getEffectivePeriod().hasEnd()
                    ? observation.getEffectivePeriod().getEnd()
                    : observation.getEffectivePeriod().getStart();
        }
        return null;
    }

    private LocalDate toLocalDate(Date date) {
        return date.toInstant().atZone(zone).toLocalDate();
    }

    private static Date later(Date a, Date b) {
        return a.after(b) ? a : b;
    }

    private static boolean hasAnyCode(List<CodeableConcept> concepts, Set<String> codes) {
        return concepts.stream().anyMatch(concept -> hasAnyCode(concept, codes));
    }

    private static boolean hasAnyCode(CodeableConcept concept, Set<String> codes) {
        return concept.getCoding().stream().anyMatch(coding -> codes.contains(key(coding)));
    }

    private static boolean hasCodeIn(CodeableConcept concept, Set<String> codes) {
        return concept.getCoding().stream().anyMatch(coding -> codes.contains(coding.getCode()));
    }

    private static String key(Coding coding) {
        return coding.getSystem() + "|" + coding.getCode();
    }

    /** A reference as {@code Type/id}, the key of {@link PatientRecord#referenced()}. */
    static String key(Reference reference) {
        return reference.getReferenceElement().toUnqualifiedVersionless().getValue();
    }

    private static String describe(Coding coding) {
        return coding.hasDisplay() ? coding.getDisplay() : coding.getCode();
    }

    private static String describe(CodeableConcept concept) {
        if (concept.hasText()) {
            return concept.getText();
        }
        return Stream.concat(
                        concept.getCoding().stream().filter(Coding::hasDisplay).map(Coding::getDisplay),
                        concept.getCoding().stream().map(Coding::getCode))
                .findFirst()
                .orElse("(no code)");
    }

    private static String quantity(Observation observation) {
        return observation.getValueQuantity().getValue().toPlainString() + " "
                + observation.getValueQuantity().getCode();
    }

    private static String reference(Resource resource) {
        return resource.fhirType() + "/" + resource.getIdElement().getIdPart();
    }

    /**
     * Nobody proposes therapy to a patient who has died, nor on a record the hospital marked inactive (merged into
     * another, or entered in error).
     */
    private static Optional<String> notEligible(PatientRecord record) {
        Patient patient = record.patient();
        if (patient.hasDeceasedDateTimeType()) {
            String date = patient.getDeceasedDateTimeType().getValueAsString();
            return Optional.of(
                    "the patient is recorded as deceased on " + (date.length() > 10 ? date.substring(0, 10) : date));
        }
        if (patient.hasDeceasedBooleanType() && patient.getDeceasedBooleanType().booleanValue()) {
            return Optional.of("the patient is recorded as deceased");
        }
        if (patient.hasActive() && !patient.getActive()) {
            return Optional.of("the patient's record is not active (Patient.active is false)");
        }
        return Optional.empty();
    }
}
