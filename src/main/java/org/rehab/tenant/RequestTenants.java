package org.rehab.tenant;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.provider.ProviderConstants;

/** The hospital a storage hook's request writes in: its tenant, or the default partition's name when it has none. */
public final class RequestTenants {

    private RequestTenants() {}

    public static String of(RequestDetails request) {
        return request == null || request.getTenantId() == null
                ? ProviderConstants.DEFAULT_PARTITION_NAME
                : request.getTenantId();
    }
}
