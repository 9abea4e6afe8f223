package org.rehab.recommendation;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.springframework.stereotype.Component;

/**
 * The ServiceRequests of active recommendations: from memory when their current version was read before (reading
 * them had been a quarter of an unchanged record's evaluation), the others in one search. A version never changes,
 * so memory is never stale; each caller gets its own copy.
 */
@Component
class ActiveServiceRequests {

    /** One version of an active recommendation's ServiceRequest. */
    private record Version(String tenant, String id, long version) {}

    private final Cache<Version, ServiceRequest> read = Caffeine.newBuilder()
            .maximumSize(20_000)
            .expireAfterAccess(Duration.ofHours(1))
            .build();

    private final DaoRegistry daos;

    ActiveServiceRequests(DaoRegistry daos) {
        this.daos = daos;
    }

    /** The ServiceRequests of these active recommendations, by id, as the request's tenant holds them. */
    Map<String, ServiceRequest> of(RequestDetails request, Collection<ActiveRecommendations.Active> actives) {
        String tenant = request.getTenantId();
        Map<String, ServiceRequest> found = new HashMap<>();
        List<String> toRead = new ArrayList<>();
        for (ActiveRecommendations.Active active : actives) {
            ServiceRequest known = active.version() == null
                    ? null
                    : read.getIfPresent(new Version(tenant, active.serviceRequestId(), active.version()));
            if (known != null) {
                found.put(active.serviceRequestId(), known.copy());
            } else {
                toRead.add(active.serviceRequestId());
            }
        }
        if (toRead.isEmpty()) {
            return found;
        }
        SearchParameterMap byId = SearchParameterMap.newSynchronous()
                .add("_id", new TokenOrListParam(null, toRead.toArray(String[]::new)));
        for (ServiceRequest serviceRequest :
                daos.getResourceDao(ServiceRequest.class).searchForResources(byId, request)) {
            IdType id = serviceRequest.getIdElement();
            found.put(id.getIdPart(), serviceRequest);
            if (id.isVersionIdPartValidLong()) {
                read.put(new Version(tenant, id.getIdPart(), id.getVersionIdPartAsLong()), serviceRequest.copy());
            }
        }
        return found;
    }
}
