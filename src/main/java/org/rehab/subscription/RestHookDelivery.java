package org.rehab.subscription;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.rehab.tenant.RequestTenants;
import org.springframework.stereotype.Component;

/**
 * Delivers one notification as an R4 rest-hook: with a payload, the resource as written is PUT to
 * {@code [endpoint]/[type]/[id]} (as HAPI's own delivery does); without one, an empty POST to the endpoint; with the
 * Subscription's headers either way. A Subscription that is gone, off, past its end or now pointing outside the
 * allowed endpoints has nothing more delivered.
 */
@Component
class RestHookDelivery {

    /** What became of a delivery. */
    sealed interface Outcome {
        record Delivered() implements Outcome {}

        record Dropped(String why) implements Outcome {}

        record Failed(String why) implements Outcome {}
    }

    private final DaoRegistry daos;
    private final FhirContext fhir;
    private final SubscriptionSettings settings;
    private final Clock clock;
    private final HttpClient http;

    RestHookDelivery(DaoRegistry daos, FhirContext fhir, SubscriptionSettings settings, Clock clock) {
        this.daos = daos;
        this.fhir = fhir;
        this.settings = settings;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    Outcome deliver(NotificationOutbox.Notification notification) throws InterruptedException {
        SystemRequestDetails inTenant = RequestTenants.systemRequestIn(notification.tenant());
        Optional<Subscription> found =
                read(Subscription.class, new IdType("Subscription", notification.subscriptionId()), inTenant);
        if (found.isEmpty()) {
            return new Outcome.Dropped("the Subscription is gone");
        }
        Subscription subscription = found.get();
        if (subscription.getStatus() != Subscription.SubscriptionStatus.ACTIVE
                || (subscription.hasEnd() && subscription.getEnd().before(Date.from(clock.instant())))) {
            return new Outcome.Dropped("the Subscription is not active");
        }
        String endpoint = subscription.getChannel().getEndpoint();
        if (!settings.allows(notification.tenant(), endpoint)) {
            return new Outcome.Dropped("the endpoint is no longer allowed");
        }
        if (!notification.resourceType().equals(subscription.getCriteria().split("\\?", 2)[0])) {
            // Changed since: its new criteria's rights were checked, not those of what was queued under the old.
            return new Outcome.Dropped("the Subscription's criteria name another resource type now");
        }
        HttpRequest.Builder request;
        if (subscription.getChannel().hasPayload()) {
            IdType written = notification.resourceVersion() == null
                    ? new IdType(notification.resourceType(), notification.resourceId())
                    : new IdType(
                            notification.resourceType(),
                            notification.resourceId(),
                            notification.resourceVersion().toString());
            Optional<IBaseResource> resource = read(
                    fhir.getResourceDefinition(notification.resourceType()).getImplementingClass(), written, inTenant);
            if (resource.isEmpty()) {
                return new Outcome.Dropped("the resource is gone");
            }
            String body = fhir.newJsonParser().encodeResourceToString(resource.get());
            request = HttpRequest.newBuilder(URI.create(withoutTrailingSlashes(endpoint) + "/"
                            + notification.resourceType() + "/" + notification.resourceId()))
                    .header("Content-Type", "application/fhir+json")
                    .PUT(HttpRequest.BodyPublishers.ofString(body));
        } else {
            request = HttpRequest.newBuilder(URI.create(endpoint)).POST(HttpRequest.BodyPublishers.noBody());
        }
        request.timeout(settings.timeout());
        for (StringType header : subscription.getChannel().getHeader()) {
            String[] nameAndValue = header.getValueAsString().split(":", 2);
            request.header(nameAndValue[0].trim(), nameAndValue[1].trim());
        }
        // The request's own timeout ends at the response's headers: a body that trickles is bounded here.
        CompletableFuture<HttpResponse<Void>> exchange =
                http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding());
        try {
            int status = exchange.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                    .statusCode();
            return status / 100 == 2
                    ? new Outcome.Delivered()
                    : new Outcome.Failed("the receiver answered HTTP " + status);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            return new Outcome.Failed("the receiver did not answer within " + settings.timeout());
        } catch (ExecutionException e) {
            return new Outcome.Failed("the receiver could not be reached ("
                    + e.getCause().getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        }
    }

    private static String withoutTrailingSlashes(String endpoint) {
        int end = endpoint.length();
        while (end > 0 && endpoint.charAt(end - 1) == '/') {
            end--;
        }
        return endpoint.substring(0, end);
    }

    @SuppressWarnings("unchecked")
    private <T extends IBaseResource> Optional<T> read(
            Class<? extends IBaseResource> type, IdType id, SystemRequestDetails inTenant) {
        try {
            return Optional.of((T) daos.getResourceDao(type).read(id, inTenant));
        } catch (ResourceNotFoundException | ResourceGoneException gone) {
            return Optional.empty();
        }
    }
}
