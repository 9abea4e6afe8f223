package org.rehab.recommendation.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real rules/ folder, compiled and fired on facts, with the boundaries of the reference. */
class RulesTest {

    private static final String ORTHOPAEDICS = "http://snomed.info/sct|394801008";
    private static Map<String, String> files;
    private static RuleSet rules;

    @BeforeAll
    static void compileTheRulesFolder() {
        files = RuleFiles.read(Path.of("rules"));
        rules = RuleSet.compile(files);
    }

    @Test
    void eachClinicalRuleIsOneFile() {
        assertThat(files.keySet()).hasSize(3);
        assertThat(rules.ruleNames())
                .containsExactly(
                        "Older patient with chronic pain gets physical therapy",
                        "Patient with a BMI over 30 gets a weight management program",
                        "Recent surgery in an admissible department gets a post-op rehabilitation plan");
    }

    @Test
    void olderPatientWithChronicPainGetsPhysicalTherapy() {
        List<Recommendation> recommendations = rules.fire(List.of(new Age(66), pain("Condition/1")));

        assertThat(recommendations)
                .extracting(Recommendation::type)
                .containsExactly(RecommendationType.PHYSICAL_THERAPY);
        assertThat(recommendations.get(0).evidence())
                .extracting(Evidence::reference)
                .containsExactly("Condition/1");
        assertThat(recommendations.get(0).explanation()).contains("Aged 66").contains("chronic pain");
    }

    @Test
    void patientAgedExactly65GetsNoPhysicalTherapy() {
        assertThat(rules.fire(List.of(new Age(65), pain("Condition/1")))).isEmpty();
    }

    @Test
    void olderPatientWithoutChronicPainGetsNoPhysicalTherapy() {
        assertThat(rules.fire(List.of(new Age(80)))).isEmpty();
    }

    @Test
    void chronicPainWithoutAKnownAgeGetsNoPhysicalTherapy() {
        assertThat(rules.fire(List.of(pain("Condition/1")))).isEmpty();
    }

    @Test
    void severalChronicPainConditionsMakeOneRecommendationCitingAll() {
        List<Recommendation> recommendations =
                rules.fire(List.of(new Age(70), pain("Condition/1"), pain("Condition/2")));

        assertThat(recommendations).hasSize(1);
        assertThat(recommendations.get(0).evidence())
                .extracting(Evidence::reference)
                .containsExactlyInAnyOrder("Condition/1", "Condition/2");
    }

    @Test
    void bmiOfExactly30GetsNoWeightManagement() {
        assertThat(rules.fire(List.of(bmi("30.0")))).isEmpty();
    }

    @Test
    void bmiJustAbove30GetsAWeightManagementProgram() {
        List<Recommendation> recommendations = rules.fire(List.of(bmi("30.1")));

        assertThat(recommendations)
                .extracting(Recommendation::type)
                .containsExactly(RecommendationType.WEIGHT_MANAGEMENT_PROGRAM);
        assertThat(recommendations.get(0).explanation()).contains("30.1 kg/m2").contains("above 30");
    }

    @Test
    void recentSurgeryInAnAdmissibleDepartmentGetsAPostOpRehabilitationPlan() {
        List<Recommendation> recommendations = rules.fire(List.of(surgery("Procedure/1", true)));

        assertThat(recommendations)
                .extracting(Recommendation::type)
                .containsExactly(RecommendationType.POST_OP_REHABILITATION_PLAN);
        assertThat(recommendations.get(0).evidence())
                .extracting(Evidence::reference)
                .containsExactly("Procedure/1");
    }

    @Test
    void recentSurgeryInAnotherDepartmentGetsNothing() {
        assertThat(rules.fire(List.of(surgery("Procedure/1", false)))).isEmpty();
    }

    @Test
    void rulesFireTogetherAndEachNamesItsRule() {
        List<Recommendation> recommendations = rules.fire(List.of(
                new Age(72),
                pain("Condition/1"),
                bmi("34.2"),
                surgery("Procedure/1", true),
                surgery("Procedure/2", false)));

        assertThat(recommendations)
                .extracting(Recommendation::type)
                .containsExactly(
                        RecommendationType.PHYSICAL_THERAPY,
                        RecommendationType.WEIGHT_MANAGEMENT_PROGRAM,
                        RecommendationType.POST_OP_REHABILITATION_PLAN);
        assertThat(recommendations)
                .allSatisfy(r -> assertThat(rules.ruleNames()).contains(r.rule()));
        assertThat(recommendations.get(2).evidence())
                .extracting(Evidence::reference)
                .containsExactly("Procedure/1");
    }

    @Test
    void ruleFileThatDoesNotCompileIsRejectedWithItsLineAndColumn() {
        Map<String, String> broken = new TreeMap<>(files);
        broken.put(
                "broken.drl",
                "package org.rehab.recommendation.rules;\n\nrule \"Broken\"\nwhen\n    Age( years >> 3 )\nthen\nend\n");

        assertThatThrownBy(() -> RuleSet.compile(broken)).isInstanceOfSatisfying(RuleCompilationException.class, e -> {
            assertThat(e.problems()).isNotEmpty();
            assertThat(e.problems().get(0).file()).isEqualTo("broken.drl");
            assertThat(e.problems().get(0).line()).isEqualTo(5);
            assertThat(e.problems().get(0).column()).isPositive();
        });
    }

    @Test
    void versionFollowsTheContentOfTheRules() {
        Map<String, String> changed = new TreeMap<>(files);
        changed.computeIfPresent(
                "patient-with-a-bmi-over-30-gets-a-weight-management-program.drl", (name, drl) -> drl + "\n");

        assertThat(RuleSet.compile(files).version()).isEqualTo(rules.version()).startsWith("sha256:");
        assertThat(RuleSet.compile(changed).version()).isNotEqualTo(rules.version());
    }

    private static ChronicPain pain(String reference) {
        return new ChronicPain(new Evidence(reference, "Chronic pain"));
    }

    private static BodyMassIndex bmi(String value) {
        return new BodyMassIndex(new BigDecimal(value), new Evidence("Observation/bmi", "BMI " + value), false);
    }

    private static RecentSurgery surgery(String reference, boolean admissible) {
        return new RecentSurgery(
                new Evidence(reference, "Knee replacement"),
                LocalDate.of(2026, 11, 1),
                List.of(ORTHOPAEDICS),
                admissible);
    }
}
