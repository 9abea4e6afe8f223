package org.rehab.recommendation;

import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.rehab.recommendation.rules.Recommendation;
import org.rehab.recommendation.rules.RecommendationType;

/**
 * What the rules recommend for a patient, set against what the patient already has: each recommendation is already
 * active, was already accepted or declined by a therapist on the same evidence, or is to be made. Plain logic: it
 * reads and writes nothing, {@link PatientEvaluator} does.
 */
record Assessment(
        List<Recommendation> recommendations,
        Map<RecommendationType, ActiveRecommendations.Active> active,
        Map<RecommendationType, ServiceRequest> decided) {

    /** The recommended kinds the patient has no active recommendation of: those whose closed proposals matter. */
    static List<RecommendationType> notActive(
            List<Recommendation> recommendations, Map<RecommendationType, ActiveRecommendations.Active> active) {
        return recommendations.stream()
                .map(Recommendation::type)
                .filter(type -> !active.containsKey(type))
                .toList();
    }

    /**
     * Decides each recommendation against the patient's active ones and the latest closed proposal of each kind: a
     * closed proposal stands only while the rules cite the evidence it was decided on.
     */
    static Assessment of(
            List<Recommendation> recommendations,
            Map<RecommendationType, ActiveRecommendations.Active> active,
            Map<RecommendationType, ServiceRequest> latestClosed) {
        Map<RecommendationType, ServiceRequest> decided = new EnumMap<>(RecommendationType.class);
        for (Recommendation recommendation : recommendations) {
            ServiceRequest closed = latestClosed.get(recommendation.type());
            if (closed != null
                    && !active.containsKey(recommendation.type())
                    && ClosedRecommendations.decidedOnSameEvidence(recommendation, closed)) {
                decided.put(recommendation.type(), closed);
            }
        }
        return new Assessment(recommendations, Map.copyOf(active), Map.copyOf(decided));
    }

    /** The recommendations to make now: neither active nor decided. */
    List<Recommendation> toMake() {
        return recommendations.stream()
                .filter(r -> !active.containsKey(r.type()) && !decided.containsKey(r.type()))
                .toList();
    }

    /**
     * The answer to the evaluation: each recommendation with its ServiceRequest (the active one, the closed one, the
     * one made now, or in a dry run the one that would be made), and the active ones the rules no longer make.
     *
     * @param activeRequests the active recommendations' ServiceRequests by id
     * @param made what was written for {@link #toMake()}; empty in a dry run
     */
    Evaluation answer(
            String patient,
            String ruleSetVersion,
            ClinicalFacts facts,
            boolean dryRun,
            Date now,
            Map<String, ServiceRequest> activeRequests,
            Map<RecommendationType, RecommendationWriter.Written> made) {
        Function<Recommendation, Evaluation.Recommended> toBeMade = dryRun
                ? recommendation -> new Evaluation.Recommended(
                        recommendation,
                        Evaluation.Status.WOULD_CREATE,
                        RecommendationRequests.build(recommendation, patient, now),
                        null)
                : recommendation -> {
                    RecommendationWriter.Written written = made.get(recommendation.type());
                    return new Evaluation.Recommended(
                            recommendation, Evaluation.Status.CREATED, written.serviceRequest(), written.provenance());
                };
        List<Evaluation.Recommended> recommended = recommendations.stream()
                .map(recommendation -> recommended(recommendation, activeRequests, toBeMade))
                .toList();
        List<ServiceRequest> noLongerSupported = active.entrySet().stream()
                .filter(e -> recommendations.stream().noneMatch(r -> r.type() == e.getKey()))
                .map(e -> activeRequests.get(e.getValue().serviceRequestId()))
                .toList();
        return new Evaluation(
                patient,
                ruleSetVersion,
                now,
                dryRun,
                facts.summary(),
                recommended,
                noLongerSupported,
                facts.notEligible());
    }

    private Evaluation.Recommended recommended(
            Recommendation recommendation,
            Map<String, ServiceRequest> activeRequests,
            Function<Recommendation, Evaluation.Recommended> toBeMade) {
        ActiveRecommendations.Active activeOne = active.get(recommendation.type());
        ServiceRequest decision = decided.get(recommendation.type());
        if (activeOne != null) {
            return new Evaluation.Recommended(
                    recommendation,
                    Evaluation.Status.ALREADY_ACTIVE,
                    activeRequests.get(activeOne.serviceRequestId()),
                    null);
        }
        if (decision != null) {
            return new Evaluation.Recommended(recommendation, Evaluation.Status.decidedAs(decision), decision, null);
        }
        return toBeMade.apply(recommendation);
    }
}
