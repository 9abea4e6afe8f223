package org.rehab.cdshooks;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseJson;
import java.util.List;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.rehab.recommendation.Evaluation;
import org.rehab.recommendation.PatientEvaluator;
import org.rehab.recommendation.SuppliedRecord;
import org.rehab.tenant.RequestTenants;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.stereotype.Component;

/**
 * Answers a hospital's CDS Hooks calls: patient-view with the cards of a dry-run evaluation of the patient, from the
 * prefetch and the tenant's record; order-select and order-sign with a warning for each draft order that an active
 * recommendation already proposes. A patient the hospital does not have gets no card.
 */
@Component
class CdsHooksCalls {

    private final PatientEvaluator evaluator;
    private final FhirContext fhir;
    private final FhirAccess fhirAccess;

    CdsHooksCalls(PatientEvaluator evaluator, FhirContext fhir, JwtDecoder keycloakTokens) {
        this.evaluator = evaluator;
        this.fhir = fhir;
        this.fhirAccess = new FhirAccess(keycloakTokens);
    }

    /**
     * @param serverBase this server's public address, under which the hospital's FHIR base and the dashboard are
     */
    CdsServiceResponseJson answer(RehabCdsService service, String tenant, HookCall call, String serverBase) {
        if (!service.hook().equals(call.hook())) {
            throw new InvalidRequestException(
                    "Service " + service.id() + " answers the " + service.hook() + " hook, not " + call.hook());
        }
        SystemRequestDetails inTenant = RequestTenants.systemRequestIn(tenant);
        call.contextText("patientId");
        String patientId =
                call.patientId().orElseThrow(() -> new InvalidRequestException("context.patientId is not a FHIR id"));
        String dashboard = serverBase + "/dashboard/";
        CdsServiceResponseJson response = new CdsServiceResponseJson();
        switch (service) {
            case RECOMMENDATIONS -> {
                SuppliedRecord supplied = PrefetchedRecord.of(call, patientId);
                fhirAccess.check(
                        call, serverBase + "/fhir/" + tenant, tenant, patientId, PrefetchedRecord.missing(supplied));
                Evaluation evaluation;
                try {
                    evaluation = evaluator.preview(inTenant, new IdType("Patient", patientId), supplied);
                } catch (ResourceNotFoundException | ResourceGoneException notInThisHospital) {
                    return response;
                }
                RecommendationCards.of(evaluation, call.hookInstance(), dashboard)
                        .forEach(response::addCard);
            }
            case DUPLICATE_ORDER_SELECT, DUPLICATE_ORDER_SIGN -> {
                Resource drafts = call.contextResource("draftOrders", fhir)
                        .orElseThrow(() -> new InvalidRequestException(
                                "The " + call.hook() + " context needs draftOrders, a Bundle"));
                if (!(drafts instanceof Bundle bundle)) {
                    throw new InvalidRequestException("context.draftOrders is not a Bundle");
                }
                fhirAccess.check(call, serverBase + "/fhir/" + tenant, tenant, patientId, List.of());
                Predicate<String> considered = service == RehabCdsService.DUPLICATE_ORDER_SELECT
                        ? call.contextTexts("selections")::contains
                        : draft -> true;
                DuplicateOrderCards.of(
                                bundle,
                                considered,
                                evaluator.activeRecommendations(inTenant, patientId),
                                call.hookInstance(),
                                dashboard)
                        .forEach(response::addCard);
            }
        }
        return response;
    }
}
