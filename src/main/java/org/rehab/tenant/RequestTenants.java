package org.rehab.tenant;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.provider.ProviderConstants;

/** The hospital of a request: the tenant a storage hook's request writes in, and the server's own requests in one. */
public final class RequestTenants {

    private RequestTenants() {}

    /** A request of the server's own, in a hospital's tenant: what it reads and writes is that hospital's. */
    public static SystemRequestDetails systemRequestIn(String tenant) {
        SystemRequestDetails request = new SystemRequestDetails();
        request.setTenantId(tenant);
        return request;
    }

    public static String of(RequestDetails request) {
        return request == null || request.getTenantId() == null
                ? ProviderConstants.DEFAULT_PARTITION_NAME
                : request.getTenantId();
    }
}
