package org.rehab.hl7;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.IdType;
import org.rehab.tenant.RequestTenants;
import org.springframework.stereotype.Component;

/**
 * A hospital's interface engines: the active {@code Endpoint}s of its tenant with connection type
 * {@code hl7v2-mllp} and address {@code mllp://host:port}. Read from the database when alerts are recorded; the
 * delivery workers keep an endpoint they have read for at most a second, so a change made over FHIR REST applies to
 * the next alert recorded at once and to deliveries within a second.
 */
@Component
class MllpEndpoints {

    static final String CONNECTION_TYPES = "http://terminology.hl7.org/CodeSystem/endpoint-connection-type";
    static final String MLLP = "hl7v2-mllp";

    /** Where an endpoint listens. */
    record Address(String host, int port) {}

    private static final Duration DELIVERY_CACHE = Duration.ofSeconds(1);

    private final DaoRegistry daos;
    private final Cache<List<String>, Optional<Endpoint>> forDelivery = Caffeine.newBuilder()
            .expireAfterWrite(DELIVERY_CACHE)
            .maximumSize(10_000)
            .build();

    MllpEndpoints(DaoRegistry daos) {
        this.daos = daos;
    }

    /** {@link #activeById}, as read at most a second ago. */
    Optional<Endpoint> activeForDelivery(String tenant, String endpointId) {
        return forDelivery.get(List.of(tenant, endpointId), key -> activeById(tenant, endpointId));
    }

    List<Endpoint> active(String tenant) {
        SearchParameterMap mllp = SearchParameterMap.newSynchronous()
                .add("connection-type", new TokenParam(CONNECTION_TYPES, MLLP))
                .add("status", new TokenParam("active"));
        return daos.getResourceDao(Endpoint.class).searchForResources(mllp, RequestTenants.systemRequestIn(tenant));
    }

    /** The endpoint if it still exists and is active. */
    Optional<Endpoint> activeById(String tenant, String endpointId) {
        try {
            Endpoint endpoint = daos.getResourceDao(Endpoint.class)
                    .read(new IdType("Endpoint", endpointId), RequestTenants.systemRequestIn(tenant));
            return endpoint.getStatus() == Endpoint.EndpointStatus.ACTIVE ? Optional.of(endpoint) : Optional.empty();
        } catch (ResourceNotFoundException | ResourceGoneException e) {
            return Optional.empty();
        }
    }

    /** The host and port of {@code mllp://host:port}, or empty if the address is not of that form. */
    static Optional<Address> address(Endpoint endpoint) {
        try {
            URI uri = new URI(endpoint.getAddress());
            if (!"mllp".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
                return Optional.empty();
            }
            return Optional.of(new Address(uri.getHost(), uri.getPort()));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
