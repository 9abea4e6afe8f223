package org.rehab.recommendation;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.Map;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.rehab.recommendation.rules.RecommendationType;
import org.rehab.tenant.RequestTenants;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * When one patient's record is merged into another, the merged patient's recommendations follow the surviving one,
 * in the caller's transaction: each becomes the survivor's (subject and identifier), with its status and history.
 * One that is active while the survivor already has an active recommendation of its kind is revoked as the
 * duplicate, so the survivor keeps one active recommendation of each kind (and the engine gets its cancel).
 */
@Component
public class MergedRecommendations {

    static final String DUPLICATE_NOTE =
            "Revoked when the patient's record was merged into another that already had this recommendation active.";

    private final IFhirResourceDao<ServiceRequest> serviceRequests;
    private final ActiveRecommendations active;
    private final ApplicationEventPublisher events;

    MergedRecommendations(DaoRegistry daos, ActiveRecommendations active, ApplicationEventPublisher events) {
        this.serviceRequests = daos.getResourceDao(ServiceRequest.class);
        this.active = active;
        this.events = events;
    }

    /** Moves the merged patient's recommendations to the survivor; answers how many moved. */
    public int follow(RequestDetails request, String mergedId, String survivorId) {
        String tenant = RequestTenants.of(request);
        // First, so that alerts already queued for the merged patient stay ahead of the ones the move makes.
        events.publishEvent(new PatientMerged(tenant, mergedId, survivorId));
        Map<RecommendationType, ActiveRecommendations.Active> survivors = active.of(tenant, survivorId);
        SearchParameterMap search = SearchParameterMap.newSynchronous()
                .add(ServiceRequest.SP_SUBJECT, new ReferenceParam("Patient/" + mergedId))
                .add(ServiceRequest.SP_IDENTIFIER, new TokenParam(RecommendationRequests.IDENTIFIER_SYSTEM, null));
        int moved = 0;
        for (ServiceRequest recommendation : serviceRequests.searchForResources(search, request)) {
            var type = RecommendationRequests.typeOf(recommendation);
            if (type.isEmpty()) {
                continue;
            }
            if (RecommendationRequests.isActive(recommendation) && survivors.containsKey(type.get())) {
                recommendation.setStatus(ServiceRequest.ServiceRequestStatus.REVOKED);
                recommendation.addNote().setText(DUPLICATE_NOTE);
            }
            recommendation.setSubject(new Reference("Patient/" + survivorId));
            recommendation
                    .getIdentifier()
                    .removeIf(id -> RecommendationRequests.IDENTIFIER_SYSTEM.equals(id.getSystem()));
            recommendation.addIdentifier(RecommendationRequests.identifier(survivorId, type.get()));
            serviceRequests.update(recommendation, request);
            moved++;
        }
        return moved;
    }
}
