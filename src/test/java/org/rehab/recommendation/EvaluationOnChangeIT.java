package org.rehab.recommendation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rehab.testsupport.ClinicalFixtures.put;

import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.util.Date;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.FhirServerIT;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Evaluation on change: in tenant {@code onchange}, which enables it (the test server's settings), a patient whose
 * record changes is evaluated in the background, with no call.
 */
class EvaluationOnChangeIT extends FhirServerIT {

    private static final String TENANT = "onchange";
    private static final String PHYSICAL_THERAPY = "91251008";
    private static final String WEIGHT_MANAGEMENT = "718361005";
    private static final String POST_OP_REHABILITATION = "52052004";
    private static boolean tenantCreated;

    @Autowired
    MeterRegistry meters;

    @BeforeEach
    void tenantThatEvaluatesOnChange() {
        synchronized (EvaluationOnChangeIT.class) {
            if (!tenantCreated) {
                createTenantNamed(TENANT);
                tenantCreated = true;
            }
        }
        eventually("the queue drained of what other tests changed", () -> queueLength() == 0);
    }

    @Test
    void loadingPatientsGivesThemTheirRecommendationsWithoutAnyCall() {
        double before = evaluationsOnChange();

        loadDemoData(TENANT);

        eventually(
                "the demo patients' recommendations",
                () -> activeCodes(TENANT, "108").size() == 2
                        && activeCodes(TENANT, "105").size() == 1
                        && activeCodes(TENANT, "102").size() == 1);
        assertThat(activeCodes(TENANT, "108")).containsExactly(POST_OP_REHABILITATION, PHYSICAL_THERAPY);
        assertThat(activeCodes(TENANT, "105")).containsExactly(WEIGHT_MANAGEMENT);
        assertThat(activeCodes(TENANT, "102")).containsExactly(POST_OP_REHABILITATION);
        // Each patient once: the BMI an evaluation derives for 102 is not a change to evaluate again.
        eventually("the queue drained", () -> queueLength() == 0);
        assertThat(evaluationsOnChange() - before).isEqualTo(3.0);
        // What $evaluate answers now: the background evaluation wrote what it would have.
        assertThat(view(evaluate(TENANT, "108", false)).statuses()).containsExactly("already-active");
    }

    @Test
    void aBurstOfWritesForOnePatientEvaluatesThemOnce() {
        String patient = uniqueId("burst");
        double before = evaluationsOnChange();
        double failedBefore =
                meters.counter("rehab.evaluations.on-change.failed").count();

        client(TENANT)
                .transaction()
                .withBundle(patientWithManyObservations(patient, 300))
                .execute();

        eventually(
                "the patient's recommendation",
                () -> activeCodes(TENANT, patient).size() == 1);
        eventually("the queue drained", () -> queueLength() == 0);
        assertThat(activeCodes(TENANT, patient)).containsExactly(WEIGHT_MANAGEMENT);
        assertThat(evaluationsOnChange() - before).isEqualTo(1.0);
        assertThat(meters.counter("rehab.evaluations.on-change.failed").count()).isEqualTo(failedBefore);
    }

    @Test
    void aTenantThatDoesNotEvaluateOnChangeIsNotEvaluated() {
        String quiet = createTenant("quiet");
        String patient = uniqueId("quiet");
        client(quiet)
                .transaction()
                .withBundle(patientWithManyObservations(patient, 1))
                .execute();
        // The queue is served oldest change first: once a later change elsewhere is evaluated, so would this be.
        String later = uniqueId("later");
        client(TENANT)
                .transaction()
                .withBundle(patientWithManyObservations(later, 1))
                .execute();

        eventually(
                "the later patient's recommendation",
                () -> activeCodes(TENANT, later).size() == 1);
        assertThat(activeCodes(quiet, patient)).isEmpty();
    }

    /** A patient with a BMI of 33 (a weight management program) and this many heart rates, in one transaction. */
    private static Bundle patientWithManyObservations(String patient, int heartRates) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        put(bundle, new Patient().setId(patient));
        put(bundle, observation(patient + "-bmi", patient, "39156-5", "33.0", "kg/m2"));
        for (int i = 0; i < heartRates; i++) {
            put(bundle, observation(patient + "-hr-" + i, patient, "8867-4", String.valueOf(60 + i % 40), "/min"));
        }
        return bundle;
    }

    private static Observation observation(String id, String patient, String loinc, String value, String unit) {
        Observation observation = new Observation();
        observation.setId(id);
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.setCode(new CodeableConcept(new Coding("http://loinc.org", loinc, null)));
        observation.setSubject(new Reference("Patient/" + patient));
        observation.setEffective(new DateTimeType(new Date()));
        observation.setValue(new Quantity()
                .setValue(new BigDecimal(value))
                .setUnit(unit)
                .setSystem("http://unitsofmeasure.org")
                .setCode(unit));
        return observation;
    }

    private double evaluationsOnChange() {
        return meters.counter("rehab.evaluations.on-change").count();
    }

    private double queueLength() {
        return meters.get("rehab.evaluation.queue.length").gauge().value();
    }

    private static EvaluationView view(org.hl7.fhir.r4.model.Parameters parameters) {
        return new EvaluationView(parameters);
    }
}
