package org.rehab.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.rehab.testsupport.FhirServerIT;
import org.rehab.testsupport.SyntheaFixtures;

/**
 * Synthea 3.3.0 output, exactly as Synthea wrote it (src/bench/synthea.sh 20 42; the files are only gzipped): the
 * hospital and practitioner batch bundles of conditional creates, a living patient's transaction and that of a
 * patient who died in 2001. Every entry of every bundle must be stored, each batch entry read on its own (a batch
 * answers 200 whatever its entries did).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyntheaCorpusIT extends FhirServerIT {

    private String tenant;
    private String hospitals;
    private String practitioners;

    @BeforeAll
    void loadHospitalsAndPractitioners() {
        tenant = createTenant("synthea");
        hospitals = corpus("hospitalInformation");
        practitioners = corpus("practitionerInformation");
        assertEveryEntryStored(hospitals, post(hospitals));
        assertEveryEntryStored(practitioners, post(practitioners));
    }

    @Test
    void hospitalAndPractitionerBatchesStoreEveryEntry() {
        assertThat(count("Organization")).isEqualTo(countOf(hospitals, "Organization"));
        assertThat(count("Location")).isEqualTo(countOf(hospitals, "Location"));
        assertThat(count("Practitioner")).isEqualTo(countOf(practitioners, "Practitioner"));
        assertThat(count("PractitionerRole")).isEqualTo(countOf(practitioners, "PractitionerRole"));
    }

    @Test
    void sendingTheBatchesAgainCreatesNoDuplicate() {
        Bundle again = post(hospitals);

        assertThat(again.getEntry())
                .extracting(entry -> entry.getResponse().getStatus())
                .allSatisfy(status -> assertThat(status).startsWith("200"));
        assertThat(count("Organization")).isEqualTo(countOf(hospitals, "Organization"));
    }

    @Test
    void livingPatientsTransactionStoresEveryEntryAndCanBeEvaluated() {
        String patient = corpus("patient-living");

        Bundle response = post(patient);

        assertEveryEntryStored(patient, response);
        String patientId = storedPatientId(response);
        assertThat(countInCompartment(patientId, "Observation")).isEqualTo(countOf(patient, "Observation"));
        assertThat(countInCompartment(patientId, "Procedure")).isEqualTo(countOf(patient, "Procedure"));
        assertThat(summary(evaluate(tenant, patientId, false)))
                .matches("(\\d+ recommendations?|Nothing to recommend): .+");
    }

    @Test
    void patientWhoDiedIn2001IsStoredButGetsNoRecommendation() {
        String patient = corpus("patient-deceased");

        Bundle response = post(patient);

        assertEveryEntryStored(patient, response);
        assertThat(summary(evaluate(tenant, storedPatientId(response), false)))
                .isEqualTo("No new recommendation: the patient is recorded as deceased on 2001-04-14.");
    }

    private static void assertEveryEntryStored(String sent, Bundle response) {
        assertThat(response.getEntry()).hasSameSizeAs(parse(sent).getEntry());
        Map<String, Long> refused = response.getEntry().stream()
                .filter(entry -> !entry.getResponse().getStatus().matches("20[01].*"))
                .collect(Collectors.groupingBy(entry -> entry.getResponse().getStatus(), Collectors.counting()));
        assertThat(refused).as("entries answered other than 200/201").isEmpty();
    }

    /** Sends the bundle as Synthea wrote it, byte for byte. */
    private Bundle post(String bundle) {
        HttpResponse<String> response = http(request("/fhir/" + tenant)
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(bundle)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return parse(response.body());
    }

    private static Bundle parse(String bundle) {
        return FHIR.newJsonParser().parseResource(Bundle.class, bundle);
    }

    private int count(String type) {
        return client(tenant)
                .search()
                .byUrl(type + "?_summary=count")
                .returnBundle(Bundle.class)
                .execute()
                .getTotal();
    }

    private int countInCompartment(String patientId, String type) {
        return client(tenant)
                .search()
                .byUrl(type + "?_summary=count&patient=Patient/" + patientId)
                .returnBundle(Bundle.class)
                .execute()
                .getTotal();
    }

    private static int countOf(String bundle, String type) {
        Map<String, Long> byType = parse(bundle).getEntry().stream()
                .map(BundleEntryComponent::getResource)
                .collect(Collectors.groupingBy(r -> r.fhirType(), TreeMap::new, Collectors.counting()));
        assertThat(byType).containsKey(type);
        return byType.get(type).intValue();
    }

    private static String storedPatientId(Bundle response) {
        List<String> locations = response.getEntry().stream()
                .map(entry -> entry.getResponse().getLocation())
                .filter(location -> location.startsWith("Patient/"))
                .toList();
        assertThat(locations).hasSize(1);
        return locations.get(0).split("/")[1];
    }

    private static String summary(Parameters evaluation) {
        return ((StringType) evaluation.getParameter("summary").getValue()).getValue();
    }

    private static String corpus(String name) {
        return SyntheaFixtures.read(name);
    }
}
