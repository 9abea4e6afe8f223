package org.rehab.subscription;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.matcher.SearchParamMatcher;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Subscription;
import org.rehab.tenant.RequestTenants;
import org.springframework.stereotype.Component;

/**
 * Records a notification for each active Subscription of the hospital whose criteria a created or updated resource
 * matches, in the transaction that writes the resource: a notification is never lost to a crash, a restart or a
 * receiver that is down, and never recorded for a write that did not happen. Only the hospital's own
 * Subscriptions see its writes.
 */
@Component
@Interceptor
public class NotificationRecorder {

    private final ActiveSubscriptions active;
    private final SearchParamMatcher matcher;
    private final NotificationOutbox outbox;

    public NotificationRecorder(ActiveSubscriptions active, SearchParamMatcher matcher, NotificationOutbox outbox) {
        this.active = active;
        this.matcher = matcher;
        this.outbox = outbox;
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
    public void created(IBaseResource resource, RequestDetails request) {
        written(resource, request);
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
    public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
        written(resource, request);
    }

    private void written(IBaseResource resource, RequestDetails request) {
        if (resource instanceof Subscription) {
            return;
        }
        String tenant = RequestTenants.of(request);
        String type = resource.fhirType();
        for (ActiveSubscriptions.Active subscription : active.of(tenant)) {
            if (subscription.resourceType().equals(type)
                    && matcher.match(subscription.criteria(), resource, request).matched()) {
                outbox.record(tenant, subscription.id(), resource.getIdElement());
            }
        }
    }
}
