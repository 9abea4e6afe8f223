package org.rehab.population;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.rehab.recommendation.rules.RecommendationType;
import org.rehab.testsupport.ClinicalFixtures;
import org.rehab.testsupport.FhirServerIT;
import org.springframework.beans.factory.annotation.Autowired;

/** Population evaluation: a whole hospital, or a Group, evaluated in the background as the async pattern asks. */
class PopulationEvaluationIT extends FhirServerIT {

    @Autowired
    PopulationRuns runs;

    @Test
    void evaluatesEveryPatientOfAHospitalAsTheirOwnEvaluationWould() {
        String tenant = createTenant("population");
        loadDemoData(tenant);

        HttpResponse<String> started = start(tenant, "Patient/$evaluate", false);

        assertThat(started.statusCode()).isEqualTo(202);
        String status = started.headers().firstValue("Content-Location").orElseThrow();
        assertThat(status).startsWith(baseUrl() + "/" + tenant + "/$evaluate-status?_runId=");
        Parameters report = awaitReport(status);
        assertThat(integer(report, "patients")).isEqualTo(3);
        assertThat(integer(report, "evaluated")).isEqualTo(3);
        assertThat(integer(report, "failed")).isZero();
        Map<String, Map<String, String>> byPatient = recommendationsByPatient(report);
        assertThat(byPatient.keySet()).containsExactlyInAnyOrder("102", "105", "108");
        for (String patient : List.of("102", "105", "108")) {
            assertThat(byPatient.get(patient).values()).containsOnly("created");
            Map<String, String> ownEvaluation = statuses(evaluate(tenant, patient, true));
            assertThat(ownEvaluation.keySet()).isEqualTo(byPatient.get(patient).keySet());
            assertThat(ownEvaluation.values()).containsOnly("already-active");
        }
        assertCountsAgreeWithPatients(report, "created");
    }

    @Test
    void eachSyntheaPatientGetsWhatTheirOwnEvaluationGives() {
        String tenant = createTenant("populationsynthea");
        loadSynthea(tenant);
        List<String> patients = patientIds(tenant);
        assertThat(patients).hasSize(2);
        Map<String, Map<String, String>> ownDryRuns = new HashMap<>();
        patients.forEach(patient -> ownDryRuns.put(patient, statuses(evaluate(tenant, patient, true))));

        Parameters report = awaitReport(statusUrl(start(tenant, "Patient/$evaluate", false)));

        assertThat(integer(report, "evaluated")).isEqualTo(2);
        Map<String, Map<String, String>> byPatient = recommendationsByPatient(report);
        for (String patient : patients) {
            Map<String, String> created = byPatient.getOrDefault(patient, Map.of());
            assertThat(created.keySet())
                    .as(patient)
                    .isEqualTo(ownDryRuns.get(patient).keySet());
            assertThat(created.values()).allMatch("created"::equals);
            Map<String, String> afterwards = statuses(evaluate(tenant, patient, true));
            assertThat(afterwards.keySet()).isEqualTo(created.keySet());
            assertThat(afterwards.values()).allMatch("already-active"::equals);
        }
    }

    @Test
    void aDryRunReportsWhatWouldBeCreatedAndWritesNothing() {
        String tenant = createTenant("populationdry");
        loadDemoData(tenant);

        Parameters report = awaitReport(statusUrl(start(tenant, "Patient/$evaluate", true)));

        assertThat(integer(report, "evaluated")).isEqualTo(3);
        assertThat(recommendationsByPatient(report).get("108").values()).containsOnly("would-create");
        assertCountsAgreeWithPatients(report, "would-create");
        assertThat(serviceRequests(tenant)).isEmpty();
    }

    @Test
    void aGroupsEvaluationEvaluatesOnlyItsPatients() {
        String tenant = createTenant("populationgroup");
        loadDemoData(tenant);
        Group group = new Group().setType(Group.GroupType.PERSON).setActual(true);
        group.addMember().setEntity(new Reference("Patient/105"));
        group.addMember().setEntity(new Reference("Patient/102")).setInactive(true);
        String groupId =
                client(tenant).create().resource(group).execute().getId().getIdPart();

        Parameters report = awaitReport(statusUrl(start(tenant, "Group/" + groupId + "/$evaluate", false)));

        assertThat(integer(report, "patients")).isEqualTo(1);
        assertThat(recommendationsByPatient(report).keySet()).containsExactly("105");
        assertThat(activeCodes(tenant, "105")).isNotEmpty();
        assertThat(activeCodes(tenant, "108")).as("not a member").isEmpty();
        assertThat(activeCodes(tenant, "102")).as("a former member").isEmpty();
    }

    @Test
    void aSecondEvaluationOfTheSameHospitalIsRefusedWhileOneRuns() {
        String tenant = createTenant("populationbusy");
        PopulationRuns.Run running = runOf(tenant, null);
        assertThat(runs.begin(running)).isTrue();

        HttpResponse<String> refused = start(tenant, "Patient/$evaluate", false);

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("OperationOutcome").contains("$evaluate-status?_runId=" + running.id());
        runs.end(running.id(), Instant.now(), PopulationRuns.Ending.CANCELLED, null);
        assertThat(start(tenant, "Patient/$evaluate", true).statusCode()).isEqualTo(202);
    }

    @Test
    void aCancelledEvaluationStopsAndItsStatusIsGone() {
        String tenant = createTenant("populationcancel");
        Bundle patients = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (int i = 0; i < 60; i++) {
            ClinicalFixtures.clinicalBundle("c" + i, "Cancel").getEntry().forEach(patients::addEntry);
        }
        client(tenant).transaction().withBundle(patients).execute();
        String status = statusUrl(start(tenant, "Patient/$evaluate", false));

        HttpResponse<String> cancelled =
                http(HttpRequest.newBuilder(URI.create(status)).DELETE());

        assertThat(cancelled.statusCode()).isEqualTo(202);
        assertThat(http(HttpRequest.newBuilder(URI.create(status))).statusCode())
                .isEqualTo(404);
        String runId = status.substring(status.indexOf("_runId=") + "_runId=".length());
        long evaluatedThen = runs.done(runId);
        assertThat(evaluatedThen).isLessThan(60);
        assertThat(start(tenant, "Patient/$evaluate", true).statusCode()).isEqualTo(202);
    }

    @Test
    void anotherHospitalCanNeitherFollowNorCancelARun() {
        String tenant = createTenant("populationown");
        String other = createTenant("populationother");
        String status = statusUrl(start(tenant, "Patient/$evaluate", true));
        String elsewhere = status.replace("/" + tenant + "/", "/" + other + "/");

        assertThat(http(HttpRequest.newBuilder(URI.create(elsewhere))).statusCode())
                .isEqualTo(404);
        assertThat(http(HttpRequest.newBuilder(URI.create(elsewhere)).DELETE()).statusCode())
                .isEqualTo(404);
        assertThat(integer(awaitReport(status), "patients")).isZero();
        assertThat(http(HttpRequest.newBuilder(URI.create(status)).DELETE()).statusCode())
                .as("a finished run is not cancelled")
                .isEqualTo(409);
    }

    @Test
    void aDryRunAskedInTheQueryStringWritesNothing() {
        String tenant = createTenant("populationquery");
        loadDemoData(tenant);

        Parameters report = awaitReport(statusUrl(http(request("/fhir/" + tenant + "/Patient/$evaluate?dryRun=true")
                .header("Prefer", "respond-async")
                .POST(HttpRequest.BodyPublishers.noBody()))));

        assertThat(((BooleanType) report.getParameter("dryRun").getValue()).booleanValue())
                .isTrue();
        assertThat(activeCodes(tenant, "108")).isEmpty();
        assertThat(http(request("/fhir/" + tenant + "/Patient/$evaluate?dryRun=maybe")
                                .header("Prefer", "respond-async")
                                .POST(HttpRequest.BodyPublishers.noBody()))
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void aRunWhoseJobEndedUnfinishedReportsItsFailureEveryTimeAndFreesTheHospital() {
        String tenant = createTenant("populationfailed");
        PopulationRuns.Run lost = runOf(tenant, 10);
        assertThat(runs.begin(lost)).isTrue();
        runs.jobStarted(lost.id(), "a-job-that-is-gone");
        String status = baseUrl() + "/" + tenant + "/$evaluate-status?_runId=" + lost.id();

        for (int poll = 0; poll < 2; poll++) {
            HttpResponse<String> failed = http(HttpRequest.newBuilder(URI.create(status)));
            assertThat(failed.statusCode()).isEqualTo(500);
            assertThat(failed.body()).contains("OperationOutcome").contains("before every patient was evaluated");
        }
        assertThat(start(tenant, "Patient/$evaluate", true).statusCode()).isEqualTo(202);
    }

    @Test
    void aPopulationEvaluationMustBeAskedToRespondAsynchronously() {
        String tenant = createTenant("populationsync");

        HttpResponse<String> refused = http(request("/fhir/" + tenant + "/Patient/$evaluate")
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Parameters\"}")));

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("OperationOutcome").contains("Prefer: respond-async");
    }

    @Test
    void aCandidateRuleSetIsComparedWithTheRulesInForceWritingNothing() {
        String tenant = createTenant("populationshadow");
        loadDemoData(tenant);

        // The candidate lowers the BMI threshold from 30 to 20 and drops the physical-therapy rule.
        Parameters report = awaitReport(statusUrl(start(tenant, "Patient/$evaluate?candidate=bmi-over-20", false)));

        assertThat(report.getParameter("candidate").getValue().primitiveValue()).isEqualTo("bmi-over-20");
        assertThat(integer(report, "evaluated")).isEqualTo(3);
        Map<String, List<String>> changes = new HashMap<>();
        for (ParametersParameterComponent change : report.getParameters("change")) {
            String patient = ((Reference) change.getPart().get(0).getValue())
                    .getReferenceElement()
                    .getIdPart();
            change.getPart().stream().skip(1).forEach(part -> changes.computeIfAbsent(
                            patient, p -> new java.util.ArrayList<>())
                    .add(part.getName() + " " + part.getValue().primitiveValue()));
        }
        assertThat(changes.get("102")).containsExactly("gains weight-management-program");
        assertThat(changes.get("108")).contains("loses physical-therapy");
        assertThat(count(report, "physical-therapy", "with-candidate")).isZero();
        assertThat(count(report, "physical-therapy", "lost"))
                .isEqualTo(count(report, "physical-therapy", "in-force"))
                .isPositive();
        assertThat(count(report, "weight-management-program", "gained")).isPositive();
        assertThat(serviceRequests(tenant)).as("nothing written").isEmpty();
    }

    @Test
    void aCandidateThatDoesNotCompileIsRefusedWithWhereAsAReloadIs() {
        String tenant = createTenant("populationbroken");

        HttpResponse<String> refused = start(tenant, "Patient/$evaluate?candidate=broken", false);

        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("OperationOutcome").contains("rules/broken.drl line");
        assertThat(start(tenant, "Patient/$evaluate?candidate=..", false).statusCode())
                .isEqualTo(400);
        assertThat(start(tenant, "Patient/$evaluate?candidate=no-such-candidate", false)
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void hostileRequestsAreRefusedWithAnOutcome() {
        String tenant = createTenant("populationhostile");
        String status = baseUrl() + "/" + tenant + "/$evaluate-status?_runId=";

        HttpResponse<String> huge = http(HttpRequest.newBuilder(URI.create(status + "x".repeat(10_000))));
        assertThat(huge.statusCode()).as("a huge run id").isBetween(400, 499);
        assertThat(huge.body()).contains("OperationOutcome");
        assertThat(http(HttpRequest.newBuilder(URI.create(status + "y".repeat(300))))
                        .statusCode())
                .as("a run id longer than any")
                .isEqualTo(404);
        assertThat(http(HttpRequest.newBuilder(URI.create(baseUrl() + "/" + tenant + "/$evaluate-status")))
                        .statusCode())
                .as("no run id")
                .isEqualTo(400);
        for (String candidate : List.of("..%2F..%2Frules", "%2Fetc", "a".repeat(200))) {
            HttpResponse<String> refused = start(tenant, "Patient/$evaluate?candidate=" + candidate, false);
            assertThat(refused.statusCode()).as(candidate).isEqualTo(400);
            assertThat(refused.body()).contains("OperationOutcome");
        }
        HttpResponse<String> notParameters = http(request("/fhir/" + tenant + "/Patient/$evaluate")
                .header("Prefer", "respond-async")
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\",\"id\":\"x\"}")));
        assertThat(notParameters.statusCode()).as(notParameters.body()).isBetween(400, 499);
        assertThat(notParameters.body()).contains("OperationOutcome");
        assertThat(http(request("/fhir/" + tenant + "/Group/no-such-group/$evaluate")
                                .header("Prefer", "respond-async")
                                .POST(HttpRequest.BodyPublishers.noBody()))
                        .statusCode())
                .isEqualTo(404);
    }

    private List<Bundle.BundleEntryComponent> serviceRequests(String tenant) {
        return client(tenant)
                .search()
                .forResource(ServiceRequest.class)
                .returnBundle(Bundle.class)
                .execute()
                .getEntry();
    }

    private static PopulationRuns.Run runOf(String tenant, Integer total) {
        return new PopulationRuns.Run(
                UUID.randomUUID().toString(),
                null,
                tenant,
                "Patient",
                false,
                Instant.now(),
                total,
                null,
                false,
                null,
                null,
                null);
    }

    private HttpResponse<String> start(String tenant, String operation, boolean dryRun) {
        Parameters parameters = new Parameters();
        if (dryRun) {
            parameters.addParameter("dryRun", new BooleanType(true));
        }
        return http(request("/fhir/" + tenant + "/" + operation)
                .header("Prefer", "respond-async")
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(parameters))));
    }

    private static String statusUrl(HttpResponse<String> started) {
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        return started.headers().firstValue("Content-Location").orElseThrow();
    }

    /** Polls the status URL, checking that it says how far the run is, until it answers with the result. */
    private Parameters awaitReport(String status) {
        HttpResponse<String>[] last = new HttpResponse[1];
        eventually("the population evaluation's result", () -> {
            last[0] = http(HttpRequest.newBuilder(URI.create(status)));
            if (last[0].statusCode() == 202) {
                assertThat(last[0].headers().firstValue("X-Progress")).isPresent();
            }
            return last[0].statusCode() != 202;
        });
        assertThat(last[0].statusCode()).as(last[0].body()).isEqualTo(200);
        return FHIR.newJsonParser().parseResource(Parameters.class, last[0].body());
    }

    /** Per recommendation, the report counts as many patients with the status as it lists. */
    private static void assertCountsAgreeWithPatients(Parameters report, String status) {
        Map<String, Map<String, String>> byPatient = recommendationsByPatient(report);
        for (RecommendationType type : RecommendationType.values()) {
            long listed = byPatient.values().stream()
                    .filter(recommendations -> status.equals(recommendations.get(type.key())))
                    .count();
            assertThat(count(report, type.key(), status)).as(type.key()).isEqualTo((int) listed);
        }
        assertThat(report.getParameters("recommendation").stream()
                        .mapToInt(r -> count(report, part(r, "code"), status))
                        .sum())
                .isPositive();
    }

    private static int integer(Parameters report, String name) {
        return ((IntegerType) report.getParameter(name).getValue()).getValue();
    }

    private static int count(Parameters report, String code, String status) {
        return report.getParameters("recommendation").stream()
                .filter(r -> code.equals(part(r, "code")))
                .map(r -> ((IntegerType) r.getPart().stream()
                                .filter(p -> p.getName().equals(status))
                                .findFirst()
                                .orElseThrow()
                                .getValue())
                        .getValue())
                .findFirst()
                .orElseThrow();
    }

    /** Per patient, each recommendation's code and status. */
    private static Map<String, Map<String, String>> recommendationsByPatient(Parameters report) {
        Map<String, Map<String, String>> byPatient = new HashMap<>();
        for (ParametersParameterComponent patient : report.getParameters("patient")) {
            String id = ((Reference) patient.getPart().get(0).getValue())
                    .getReferenceElement()
                    .getIdPart();
            Map<String, String> recommendations = new HashMap<>();
            patient.getPart().stream()
                    .filter(p -> p.getName().equals("recommendation"))
                    .forEach(r -> recommendations.put(part(r, "code"), part(r, "status")));
            byPatient.put(id, recommendations);
        }
        return byPatient;
    }

    /** A single-patient $evaluate's recommendations: catalog key (from the ServiceRequest) and status. */
    private static Map<String, String> statuses(Parameters evaluation) {
        Map<String, String> statuses = new HashMap<>();
        for (ParametersParameterComponent recommendation : evaluation.getParameters("recommendation")) {
            ServiceRequest request = (ServiceRequest) recommendation.getPart().stream()
                    .filter(p -> p.getName().equals("serviceRequest"))
                    .findFirst()
                    .orElseThrow()
                    .getResource();
            String canonical = request.getInstantiatesCanonical().get(0).getValue();
            statuses.put(canonical.substring(canonical.lastIndexOf('/') + 1), part(recommendation, "status"));
        }
        return statuses;
    }

    private static String part(ParametersParameterComponent parameter, String name) {
        return parameter.getPart().stream()
                .filter(p -> p.getName().equals(name))
                .findFirst()
                .orElseThrow()
                .getValue()
                .primitiveValue();
    }
}
