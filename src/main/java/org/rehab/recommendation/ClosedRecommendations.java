package org.rehab.recommendation;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.rehab.recommendation.rules.Evidence;
import org.rehab.recommendation.rules.Recommendation;
import org.rehab.recommendation.rules.RecommendationType;
import org.springframework.stereotype.Component;

/**
 * The decisions people took on a patient's recommendations: the latest proposal of each kind that a therapist
 * accepted (completed) or declined (revoked). A decision stands while the rules cite the same evidence, so that a
 * declined or accepted recommendation is not proposed (and alerted) again on the data it was decided on; new
 * evidence, such as a new surgery or a new BMI, makes a new proposal.
 */
@Component
class ClosedRecommendations {

    private final DaoRegistry daos;

    ClosedRecommendations(DaoRegistry daos) {
        this.daos = daos;
    }

    /** The latest closed proposal of each of these kinds, for the patient. */
    Map<RecommendationType, ServiceRequest> latest(
            RequestDetails request, String patientId, Collection<RecommendationType> types) {
        Map<RecommendationType, ServiceRequest> latest = new EnumMap<>(RecommendationType.class);
        if (types.isEmpty()) {
            return latest;
        }
        TokenOrListParam identifiers = new TokenOrListParam();
        types.forEach(type -> identifiers.add(
                RecommendationRequests.IDENTIFIER_SYSTEM,
                RecommendationRequests.identifier(patientId, type).getValue()));
        SearchParameterMap search = SearchParameterMap.newSynchronous()
                .add("identifier", identifiers)
                .add("status", new TokenOrListParam(null, "completed", "revoked"))
                .add("intent", new TokenOrListParam(null, "proposal"));
        search.setSort(new SortSpec("_lastUpdated", SortOrderEnum.DESC));
        for (var resource : daos.getResourceDao(ServiceRequest.class).searchForResources(search, request)) {
            ServiceRequest closed = (ServiceRequest) resource;
            RecommendationRequests.typeOf(closed).ifPresent(type -> latest.putIfAbsent(type, closed));
        }
        return latest;
    }

    /** Whether the rules now cite exactly the evidence the closed proposal cited. */
    static boolean decidedOnSameEvidence(Recommendation recommendation, ServiceRequest closed) {
        Set<String> now =
                recommendation.evidence().stream().map(Evidence::reference).collect(Collectors.toSet());
        Set<String> then = Stream.concat(closed.getReasonReference().stream(), closed.getSupportingInfo().stream())
                .map(Reference::getReference)
                .collect(Collectors.toSet());
        return now.equals(then);
    }
}
