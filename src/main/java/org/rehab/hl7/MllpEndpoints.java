package org.rehab.hl7;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.IdType;
import org.springframework.stereotype.Component;

/**
 * A hospital's interface engines: the active {@code Endpoint}s of its tenant with connection type
 * {@code hl7v2-mllp} and address {@code mllp://host:port}. Read from the database each time, so that a change made
 * over FHIR REST applies at once.
 */
@Component
class MllpEndpoints {

    static final String CONNECTION_TYPES = "http://terminology.hl7.org/CodeSystem/endpoint-connection-type";
    static final String MLLP = "hl7v2-mllp";

    /** Where an endpoint listens. */
    record Address(String host, int port) {}

    private final DaoRegistry daos;

    MllpEndpoints(DaoRegistry daos) {
        this.daos = daos;
    }

    List<Endpoint> active(String tenant) {
        SearchParameterMap mllp = SearchParameterMap.newSynchronous()
                .add("connection-type", new TokenParam(CONNECTION_TYPES, MLLP))
                .add("status", new TokenParam("active"));
        return daos.getResourceDao(Endpoint.class).searchForResources(mllp, request(tenant));
    }

    /** The endpoint if it still exists and is active. */
    Optional<Endpoint> activeById(String tenant, String endpointId) {
        try {
            Endpoint endpoint =
                    daos.getResourceDao(Endpoint.class).read(new IdType("Endpoint", endpointId), request(tenant));
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

    static SystemRequestDetails request(String tenant) {
        SystemRequestDetails request = new SystemRequestDetails();
        request.setTenantId(tenant);
        return request;
    }
}
