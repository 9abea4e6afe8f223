package org.rehab.cdshooks;

import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceIndicatorEnum;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseCardJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseCardSourceJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.rehab.recommendation.rules.RecommendationType;

/**
 * The cards of an order-select or order-sign call: a warning for each draft ServiceRequest that orders what one of
 * the patient's active rehabilitation recommendations already proposes (the same catalog entry, or its SNOMED CT
 * code), so that the clinician does not order it twice.
 */
final class DuplicateOrderCards {

    private DuplicateOrderCards() {}

    /**
     * @param drafts the draft orders of the call
     * @param considered which drafts to look at, by {@code ServiceRequest/id} (order-select: the selected ones)
     */
    static List<CdsServiceResponseCardJson> of(
            Bundle drafts,
            Predicate<String> considered,
            Map<RecommendationType, ServiceRequest> active,
            String hookInstance,
            String dashboardUrl) {
        List<CdsServiceResponseCardJson> cards = new ArrayList<>();
        for (Bundle.BundleEntryComponent entry : drafts.getEntry()) {
            if (!(entry.getResource() instanceof ServiceRequest draft)) {
                continue;
            }
            String reference = "ServiceRequest/" + draft.getIdElement().getIdPart();
            if (!considered.test(reference)) {
                continue;
            }
            typeOf(draft)
                    .filter(active::containsKey)
                    .ifPresent(type -> cards.add(card(type, active.get(type), reference, hookInstance, dashboardUrl)));
        }
        return cards;
    }

    private static CdsServiceResponseCardJson card(
            RecommendationType type,
            ServiceRequest recommendation,
            String draft,
            String hookInstance,
            String dashboardUrl) {
        String proposed = recommendation.hasAuthoredOn()
                ? " on "
                        + recommendation
                                .getAuthoredOnElement()
                                .getValueAsString()
                                .replaceAll("T.*", "")
                : "";
        String why = recommendation.getReasonCode().stream()
                .filter(reason -> reason.hasText())
                .map(reason -> Markdown.text(reason.getText()))
                .findFirst()
                .map(text -> " Why: " + text)
                .orElse("");
        return new CdsServiceResponseCardJson()
                .setUuid(RecommendationCards.uuid(hookInstance, draft))
                .setSummary(type.title() + " is already proposed for this patient")
                .setIndicator(CdsServiceIndicatorEnum.WARNING)
                .setDetail("An active rehabilitation recommendation proposed" + Markdown.text(proposed)
                        + " already covers this order." + why
                        + " Accept or decline it in the dashboard rather than ordering it again.")
                .setSource(new CdsServiceResponseCardSourceJson().setLabel("Rehabilitation recommendations"))
                .setLinks(List.of(RecommendationCards.dashboard(dashboardUrl)));
    }

    /** The recommendation a draft orders: by the catalog entry it instantiates, or by its SNOMED CT code. */
    static Optional<RecommendationType> typeOf(ServiceRequest draft) {
        Optional<RecommendationType> byCatalog = draft.getInstantiatesCanonical().stream()
                .map(canonical -> RecommendationType.ofCanonical(canonical.getValue()))
                .flatMap(Optional::stream)
                .findFirst();
        if (byCatalog.isPresent()) {
            return byCatalog;
        }
        List<Coding> codes = draft.getCode().getCoding();
        return Stream.of(RecommendationType.values())
                .filter(type -> codes.stream()
                        .anyMatch(coding -> RecommendationType.SNOMED.equals(coding.getSystem())
                                && type.snomedCode().equals(coding.getCode())))
                .findFirst();
    }
}
