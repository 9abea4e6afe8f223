package org.rehab.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.rehab.testsupport.FhirServerIT;

/** The documented demo-data command loads patients 102, 105 and 108 into north, dated relative to today. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoDataIT extends FhirServerIT {

    private String firstRunOutput;

    @BeforeAll
    void loadDemoDataTwice() throws Exception {
        firstRunOutput = runDemoLoader();
        runDemoLoader();
    }

    @Test
    void commandReportsWhatItLoaded() {
        assertThat(firstRunOutput).contains("Loaded 21 demo resources").contains("/fhir/north");
    }

    @Test
    void patient108IsOlderThan65WithChronicPainAndARecentOrthopaedicSurgery() {
        Patient patient =
                client("north").read().resource(Patient.class).withId("108").execute();
        assertThat(ageOf(patient)).isGreaterThan(65);
        assertThat(search("Condition?patient=108&code=http://snomed.info/sct|82423001&clinical-status=active"))
                .hasSize(1);
        Procedure knee = client("north")
                .read()
                .resource(Procedure.class)
                .withId("108-knee-replacement")
                .execute();
        assertThat(daysAgo(knee.getPerformedDateTimeType().getValue())).isBetween(1L, 89L);
        assertThat(knee.getEncounter().getReference()).isEqualTo("Encounter/108-knee-surgery");
        Encounter surgery = client("north")
                .read()
                .resource(Encounter.class)
                .withId("108-knee-surgery")
                .execute();
        assertThat(surgery.getServiceType().getCodingFirstRep().getCode()).isEqualTo("394801008");
    }

    @Test
    void patient105HasABmiAbove30() {
        List<Observation> bmis = search("Observation?patient=105&code=http://loinc.org|39156-5").stream()
                .map(Observation.class::cast)
                .sorted(Comparator.comparing(
                        Observation::getEffectiveDateTimeType, Comparator.comparing(t -> t.getValue())))
                .toList();
        assertThat(bmis).hasSizeGreaterThan(1);
        assertThat(bmis.get(bmis.size() - 1).getValueQuantity().getValue().doubleValue())
                .isGreaterThan(30);
    }

    @Test
    void patient102HadARecentSurgeryByAnOrthopaedicSurgeon() {
        Procedure hip = client("north")
                .read()
                .resource(Procedure.class)
                .withId("102-hip-replacement")
                .execute();
        assertThat(daysAgo(hip.getPerformedPeriod().getEnd())).isBetween(1L, 89L);
        assertThat(hip.getPerformerFirstRep().getActor().getReference())
                .isEqualTo("PractitionerRole/north-ortho-surgeon");
        assertThat(ageOf(client("north")
                        .read()
                        .resource(Patient.class)
                        .withId("102")
                        .execute()))
                .isLessThanOrEqualTo(65);
    }

    @Test
    void loadingTwiceDoesNotDuplicate() {
        assertThat(search("Patient?_id=102,105,108")).hasSize(3);
        assertThat(search("Procedure?patient=108")).hasSize(2);
        assertThat(search("Observation?patient=105")).hasSize(4);
    }

    private String runDemoLoader() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "src/demo/LoadDemoData.java", baseUrl() + "/north")
                .redirectErrorStream(true)
                .start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private List<org.hl7.fhir.r4.model.Resource> search(String url) {
        return client("north").search().byUrl(url).returnBundle(Bundle.class).execute().getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .toList();
    }

    private static int ageOf(Patient patient) {
        LocalDate birth =
                patient.getBirthDate().toInstant().atZone(ZoneOffset.UTC).toLocalDate();
        return Period.between(birth, LocalDate.now(ZoneOffset.UTC)).getYears();
    }

    private static long daysAgo(java.util.Date date) {
        return TimeUnit.MILLISECONDS.toDays(System.currentTimeMillis() - date.getTime());
    }
}
