package org.rehab.recommendation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rehab.recommendation.rules.RecommendationType.PHYSICAL_THERAPY;
import static org.rehab.recommendation.rules.RecommendationType.POST_OP_REHABILITATION_PLAN;
import static org.rehab.recommendation.rules.RecommendationType.WEIGHT_MANAGEMENT_PROGRAM;

import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestStatus;
import org.junit.jupiter.api.Test;
import org.rehab.recommendation.rules.Evidence;
import org.rehab.recommendation.rules.Recommendation;
import org.rehab.recommendation.rules.RecommendationType;

class AssessmentTest {

    private static final Date NOW = new Date(1_800_000_000_000L);
    private static final ClinicalFacts FACTS = new ClinicalFacts(
            Optional.empty(), List.of(), Optional.empty(), List.of(), Optional.empty(), Optional.empty());

    private final Recommendation physicalTherapy = recommendation(PHYSICAL_THERAPY, "Condition/pain");
    private final Recommendation postOp = recommendation(POST_OP_REHABILITATION_PLAN, "Procedure/knee");

    @Test
    void recommendationThePatientHasActiveIsNotMadeAgain() {
        var active = Map.of(PHYSICAL_THERAPY, new ActiveRecommendations.Active("sr-1", 3L));

        Assessment assessment = Assessment.of(List.of(physicalTherapy, postOp), active, Map.of());

        assertThat(Assessment.notActive(List.of(physicalTherapy, postOp), active))
                .containsExactly(POST_OP_REHABILITATION_PLAN);
        assertThat(assessment.toMake()).containsExactly(postOp);
    }

    @Test
    void declinedOnTheSameEvidenceStandsAndOnNewEvidenceIsProposedAgain() {
        ServiceRequest declined = closed(ServiceRequestStatus.REVOKED, "Condition/pain");
        ServiceRequest acceptedOnAnotherSurgery = closed(ServiceRequestStatus.COMPLETED, "Procedure/hip");

        Assessment assessment = Assessment.of(
                List.of(physicalTherapy, postOp),
                Map.of(),
                Map.of(PHYSICAL_THERAPY, declined, POST_OP_REHABILITATION_PLAN, acceptedOnAnotherSurgery));

        assertThat(assessment.decided()).containsOnlyKeys(PHYSICAL_THERAPY);
        assertThat(assessment.toMake()).containsExactly(postOp);
        Evaluation answer = assessment.answer("p1", "v1", FACTS, true, NOW, Map.of(), Map.of());
        assertThat(answer.recommended())
                .extracting(Evaluation.Recommended::status)
                .containsExactly(Evaluation.Status.DECLINED, Evaluation.Status.WOULD_CREATE);
        assertThat(answer.recommended().get(0).serviceRequest()).isSameAs(declined);
    }

    @Test
    void answerGivesEachRecommendationItsServiceRequestAndTheActiveOnesNoLongerMade() {
        ServiceRequest activeTherapy = new ServiceRequest();
        ServiceRequest activeWeight = new ServiceRequest();
        var active = Map.of(
                PHYSICAL_THERAPY, new ActiveRecommendations.Active("sr-pt", 1L),
                WEIGHT_MANAGEMENT_PROGRAM, new ActiveRecommendations.Active("sr-wm", 2L));
        ServiceRequest madeNow = new ServiceRequest();
        Provenance provenance = new Provenance();

        Evaluation answer = Assessment.of(List.of(physicalTherapy, postOp), active, Map.of())
                .answer(
                        "p1",
                        "v7",
                        FACTS,
                        false,
                        NOW,
                        Map.of("sr-pt", activeTherapy, "sr-wm", activeWeight),
                        Map.of(POST_OP_REHABILITATION_PLAN, new RecommendationWriter.Written(madeNow, provenance)));

        assertThat(answer.recommended())
                .extracting(Evaluation.Recommended::status)
                .containsExactly(Evaluation.Status.ALREADY_ACTIVE, Evaluation.Status.CREATED);
        assertThat(answer.recommended().get(0).serviceRequest()).isSameAs(activeTherapy);
        assertThat(answer.recommended().get(1).serviceRequest()).isSameAs(madeNow);
        assertThat(answer.recommended().get(1).provenance()).isSameAs(provenance);
        assertThat(answer.noLongerSupported()).containsExactly(activeWeight);
        assertThat(answer.ruleSetVersion()).isEqualTo("v7");
        assertThat(answer.dryRun()).isFalse();
    }

    @Test
    void dryRunProposesTheServiceRequestItWouldMake() {
        Evaluation answer = Assessment.of(List.of(postOp), Map.of(), Map.of())
                .answer("p1", "v1", FACTS, true, NOW, Map.of(), Map.of());

        ServiceRequest proposed = answer.recommended().get(0).serviceRequest();
        assertThat(answer.recommended().get(0).status()).isEqualTo(Evaluation.Status.WOULD_CREATE);
        assertThat(proposed.getSubject().getReference()).isEqualTo("Patient/p1");
        assertThat(proposed.getInstantiatesCanonical().get(0).getValue())
                .isEqualTo(POST_OP_REHABILITATION_PLAN.canonical());
    }

    private static Recommendation recommendation(RecommendationType type, String evidence) {
        return new Recommendation(type, "rule", "why", List.of(new Evidence(evidence, "evidence")));
    }

    private static ServiceRequest closed(ServiceRequestStatus status, String evidence) {
        ServiceRequest closed = new ServiceRequest().setStatus(status);
        closed.addReasonReference(new Reference(evidence));
        return closed;
    }
}
