package org.rehab.recommendation.rules;

import java.util.List;

/** What a rule asserts: a recommendation, the rule that made it, why in words, and the evidence it cites. */
public record Recommendation(RecommendationType type, String rule, String explanation, List<Evidence> evidence) {

    public Recommendation {
        evidence = List.copyOf(evidence);
    }
}
