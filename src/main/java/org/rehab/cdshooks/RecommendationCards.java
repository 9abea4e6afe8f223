package org.rehab.cdshooks;

import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceIndicatorEnum;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseCardJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseCardSourceJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseCodingJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseLinkJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseSuggestionActionJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseSuggestionJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.rehab.recommendation.Evaluation;
import org.rehab.recommendation.rules.Evidence;
import org.rehab.recommendation.rules.Recommendation;
import org.rehab.recommendation.rules.RecommendationType;

/**
 * The cards of a patient-view call: one per recommendation the rules make for the patient now, saying what and why
 * in words, the evidence, the rule set that decided, a link to the dashboard and, for a recommendation not yet
 * proposed, a suggestion that creates the proposal (a ServiceRequest as {@code $evaluate} would write it).
 */
final class RecommendationCards {

    private RecommendationCards() {}

    static List<CdsServiceResponseCardJson> of(Evaluation evaluation, String hookInstance, String dashboardUrl) {
        return evaluation.recommended().stream()
                .map(recommended -> card(recommended, evaluation.ruleSetVersion(), hookInstance, dashboardUrl))
                .toList();
    }

    private static CdsServiceResponseCardJson card(
            Evaluation.Recommended recommended, String ruleSetVersion, String hookInstance, String dashboardUrl) {
        Recommendation recommendation = recommended.recommendation();
        RecommendationType type = recommendation.type();
        CdsServiceResponseCardJson card = new CdsServiceResponseCardJson()
                .setUuid(uuid(hookInstance, type.key()))
                .setSummary(summary(type, recommended.status()))
                .setIndicator(CdsServiceIndicatorEnum.INFO)
                .setDetail(detail(recommendation, recommended.status()))
                .setSource(source(type, ruleSetVersion))
                .setLinks(List.of(dashboard(dashboardUrl)));
        if (recommended.status() == Evaluation.Status.WOULD_CREATE) {
            CdsServiceResponseSuggestionActionJson create = new CdsServiceResponseSuggestionActionJson()
                    .setType("create")
                    .setDescription("Propose " + type.title() + " for the patient")
                    .setResource(recommended.serviceRequest());
            CdsServiceResponseSuggestionJson suggestion = new CdsServiceResponseSuggestionJson()
                    .setLabel("Propose " + type.title())
                    .setUuid(uuid(hookInstance, type.key() + "/propose"))
                    .setRecommended(true);
            suggestion.addAction(create);
            card.addSuggestion(suggestion);
            card.setSelectionBehaviour("at-most-one");
        }
        return card;
    }

    private static String summary(RecommendationType type, Evaluation.Status status) {
        return switch (status) {
            case WOULD_CREATE, CREATED -> "Consider " + type.title();
            case ALREADY_ACTIVE -> type.title() + " is already proposed for this patient";
            case ACCEPTED -> type.title() + " was accepted by a therapist on this evidence";
            case DECLINED -> type.title() + " was declined by a therapist on this evidence";
        };
    }

    private static String detail(Recommendation recommendation, Evaluation.Status status) {
        StringBuilder detail = new StringBuilder(Markdown.text(recommendation.explanation()));
        detail.append("\n\n**Evidence**\n");
        for (Evidence evidence : recommendation.evidence()) {
            detail.append("\n- ").append(Markdown.text(evidence.display()));
        }
        if (status == Evaluation.Status.ACCEPTED || status == Evaluation.Status.DECLINED) {
            detail.append("\n\nIt is not proposed again until the evidence changes.");
        }
        return detail.toString();
    }

    private static CdsServiceResponseCardSourceJson source(RecommendationType type, String ruleSetVersion) {
        CdsServiceResponseCardSourceJson source =
                new CdsServiceResponseCardSourceJson().setLabel("Rehabilitation rules, rule set " + ruleSetVersion);
        source.setTopic(new CdsServiceResponseCodingJson()
                .setSystem(RecommendationType.SNOMED)
                .setCode(type.snomedCode())
                .setDisplay(type.snomedDisplay()));
        return source;
    }

    static CdsServiceResponseLinkJson dashboard(String dashboardUrl) {
        return new CdsServiceResponseLinkJson()
                .setLabel("Open the rehabilitation dashboard")
                .setUrl(dashboardUrl)
                .setType("smart");
    }

    /** A card's or suggestion's id, the same for the same hook instance, so that feedback can name it. */
    static String uuid(String hookInstance, String what) {
        return UUID.nameUUIDFromBytes((hookInstance + "|" + what).getBytes(StandardCharsets.UTF_8))
                .toString();
    }
}
