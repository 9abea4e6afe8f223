package org.rehab.recommendation;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.rehab.recommendation.rules.RecommendationType;
import org.rehab.tenant.RequestTenants;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Follows every write of a recommendation ServiceRequest, by anyone, inside the writing transaction: a
 * recommendation that becomes active is registered in {@link ActiveRecommendations} (refused with 409 if the
 * patient already has an active one of that kind) and announced as {@link RecommendationEvent.Created}; one that
 * is completed, revoked or deleted is released and announced as {@link RecommendationEvent.Closed}.
 */
@Interceptor
@Component
public class RecommendationLifecycleInterceptor {

    private final ActiveRecommendations active;
    private final ApplicationEventPublisher events;

    RecommendationLifecycleInterceptor(ActiveRecommendations active, ApplicationEventPublisher events) {
        this.active = active;
        this.events = events;
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
    public void created(IBaseResource resource, RequestDetails request) {
        if (resource instanceof ServiceRequest created && RecommendationRequests.isActive(created)) {
            RecommendationRequests.typeOf(created)
                    .ifPresent(type -> activated(created, type, RequestTenants.of(request)));
        }
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
    public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
        if (!(resource instanceof ServiceRequest updated)) {
            return;
        }
        RecommendationRequests.typeOf(updated).ifPresent(type -> {
            boolean wasActive = previous instanceof ServiceRequest before && RecommendationRequests.isActive(before);
            boolean isActive = RecommendationRequests.isActive(updated);
            if (wasActive && !isActive) {
                closed(
                        updated,
                        type,
                        RequestTenants.of(request),
                        updated.getStatus().toCode());
            } else if (!wasActive && isActive) {
                activated(updated, type, RequestTenants.of(request));
            } else if (isActive) {
                active.revised(
                        RequestTenants.of(request),
                        RecommendationRequests.patientIdOf(updated),
                        type,
                        updated.getIdElement().getIdPart(),
                        version(updated));
            }
        });
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
    public void deleted(IBaseResource resource, RequestDetails request) {
        if (resource instanceof ServiceRequest deleted && RecommendationRequests.isActive(deleted)) {
            RecommendationRequests.typeOf(deleted)
                    .ifPresent(type -> closed(deleted, type, RequestTenants.of(request), "deleted"));
        }
    }

    private void activated(ServiceRequest request, RecommendationType type, String tenant) {
        String id = request.getIdElement().getIdPart();
        String patientId = RecommendationRequests.patientIdOf(request);
        active.register(tenant, patientId, type, id, version(request));
        events.publishEvent(new RecommendationEvent.Created(tenant, id, patientId, type, request.copy()));
    }

    private void closed(ServiceRequest request, RecommendationType type, String tenant, String status) {
        String id = request.getIdElement().getIdPart();
        active.unregister(tenant, id);
        events.publishEvent(new RecommendationEvent.Closed(
                tenant, id, RecommendationRequests.patientIdOf(request), type, status, request.copy()));
    }

    private static Long version(ServiceRequest request) {
        return request.getIdElement().hasVersionIdPart()
                        && request.getIdElement().isVersionIdPartValidLong()
                ? request.getIdElement().getVersionIdPartAsLong()
                : null;
    }
}
