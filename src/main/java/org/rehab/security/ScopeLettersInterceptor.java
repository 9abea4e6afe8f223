package org.rehab.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.Locale;
import java.util.Optional;

/**
 * Refuses (403) an interaction, or a batch or transaction with an entry, that the token's SMART scopes do not grant
 * the exact permission for ({@link InteractionScopes}). Runs before HAPI's {@link SmartAuthorizationInterceptor}
 * rules, which check types, tenants and compartments.
 */
@Interceptor
public class ScopeLettersInterceptor {

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void requireScopes(RequestDetails request, RestOperationTypeEnum operation) {
        if (SmartAuthorizationInterceptor.DEFAULT.equals(request.getTenantId())) {
            return;
        }
        Optional<Caller> caller = Callers.current();
        if (caller.isEmpty()) {
            return;
        }
        for (InteractionScopes.Need need :
                InteractionScopes.needs(operation, request.getResourceName(), request.getResource())) {
            if (!caller.get().permits(need.resourceType(), need.permission())) {
                throw new ForbiddenOperationException("This token's scopes do not allow "
                        + need.permission().name().toLowerCase(Locale.ROOT) + " of "
                        + (SmartScope.ANY_TYPE.equals(need.resourceType())
                                ? "all resource types"
                                : need.resourceType()));
            }
        }
    }
}
