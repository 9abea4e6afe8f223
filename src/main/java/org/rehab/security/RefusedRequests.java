package org.rehab.security;

/** Where requests refused before they reached the FHIR server (no or an invalid token) are recorded: the audit trail. */
public interface RefusedRequests {

    /**
     * A request to a hospital's tenant refused for its token.
     *
     * @param tenant the tenant in its URL
     * @param fhirBase the tenant's FHIR base the request named
     */
    void unauthenticated(String tenant, String fhirBase, String method, String remoteAddress, String reason);
}
