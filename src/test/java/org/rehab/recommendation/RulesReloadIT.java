package org.rehab.recommendation;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Provenance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.FhirServerIT;
import org.rehab.testsupport.TestServerInitializer;

/** Rules change without a restart: by {@code $reload-rules}, or by the directory watcher. */
class RulesReloadIT extends FhirServerIT {

    private static final String BMI_RULE = "patient-with-a-bmi-over-30-gets-a-weight-management-program.drl";

    private final Path rules = TestServerInitializer.rulesDirectory();

    @AfterEach
    void restoreTheRules() throws Exception {
        Files.deleteIfExists(rules.resolve("broken.drl"));
        Files.copy(
                Path.of("rules", BMI_RULE), rules.resolve(BMI_RULE), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(reload().statusCode()).isEqualTo(200);
    }

    @Test
    void ruleFileThatDoesNotCompileIsRejectedWithItsPositionAndTheRulesInForceStay() throws Exception {
        String before = version();
        Files.writeString(
                rules.resolve("broken.drl"),
                "package org.rehab.recommendation.rules;\n\nrule \"Broken\"\nwhen\n    Age( years >> 3 )\nthen\nend\n");

        HttpResponse<String> response = reload();

        assertThat(response.statusCode()).isEqualTo(422);
        OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
        OperationOutcome.OperationOutcomeIssueComponent issue = outcome.getIssueFirstRep();
        assertThat(issue.getLocation().get(0).getValue()).isEqualTo("rules/broken.drl line 5, column 5");
        assertThat(issue.getExtensionByUrl("http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-line")
                        .getValue()
                        .primitiveValue())
                .isEqualTo("5");
        assertThat(issue.getDiagnostics()).contains("years >> 3");
        assertThat(version()).isEqualTo(before);
        assertThat(new EvaluationView(evaluate("north", demoPatient(), true)).ruleSetVersion())
                .isEqualTo(before);
    }

    @Test
    void changedRulesTakeEffectAndNewProvenanceNamesTheNewVersion() throws Exception {
        String before = version();
        Files.writeString(
                rules.resolve(BMI_RULE),
                Files.readString(rules.resolve(BMI_RULE)).replace("value > 30", "value > 20"));

        assertThat(reload().statusCode()).isEqualTo(200);
        String after = version();
        String tenant = createTenant("rules");
        loadDemoData(tenant);
        EvaluationView evaluation = new EvaluationView(evaluate(tenant, "108", false));

        assertThat(after).isNotEqualTo(before);
        assertThat(evaluation.ruleSetVersion()).isEqualTo(after);
        // Patient 108's BMI of 24.8 is over the new threshold.
        assertThat(evaluation.codes()).containsExactly("52052004", "718361005", "91251008");
        Provenance provenance = evaluation.recommendations().get(0).provenance();
        assertThat(provenance.getPolicy())
                .extracting(p -> p.getValue())
                .contains("http://rehab.example.org/fhir/rules/rule-set/" + after);
    }

    @Test
    void watcherReloadsChangedRulesByItself() throws Exception {
        String before = version();

        Files.writeString(rules.resolve(BMI_RULE), Files.readString(rules.resolve(BMI_RULE)) + "\n// reviewed\n");

        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (version().equals(before) && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        assertThat(version()).isNotEqualTo(before);
    }

    @Test
    void rulesAreManagedOnTheSharedTenantOnly() {
        HttpResponse<String> response =
                http(request("/fhir/north/$reload-rules").POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("shared by every hospital");
    }

    private String demoPatient() {
        loadDemoData("north");
        return "108";
    }

    private HttpResponse<String> reload() {
        return http(request("/fhir/$reload-rules").POST(HttpRequest.BodyPublishers.noBody()));
    }

    private String version() {
        Parameters rulesInForce = client("DEFAULT")
                .operation()
                .onServer()
                .named("$rules")
                .withNoParameters(Parameters.class)
                .useHttpGet()
                .execute();
        return rulesInForce.getParameter("ruleSetVersion").getValue().primitiveValue();
    }
}
