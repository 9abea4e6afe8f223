package org.rehab.subscription;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.matcher.InMemoryMatchResult;
import ca.uhn.fhir.jpa.searchparam.matcher.SearchParamMatcher;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.rehab.security.Callers;
import org.rehab.tenant.RequestTenants;
import org.springframework.stereotype.Component;

/**
 * What a Subscription must be to be stored: a rest-hook whose criteria this server can match as each resource is
 * written, whose endpoint starts with one of {@code rehab.subscriptions.allowed-endpoints}, whose payload is FHIR
 * JSON or nothing, and whose headers are plain ones; created by a caller who may search every resource the criteria
 * name in that hospital (a subscriber learns of each). A requested Subscription is stored active.
 */
@Component
@Interceptor
public class SubscriptionRules {

    private static final Pattern HEADER = Pattern.compile("([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \\t]*([^\\r\\n]*)");
    private static final Set<String> RESERVED_HEADERS =
            Set.of("connection", "content-length", "expect", "host", "upgrade", "content-type", "transfer-encoding");

    private final FhirContext fhir;
    private final SearchParamMatcher matcher;
    private final SubscriptionSettings settings;
    private final ActiveSubscriptions active;

    public SubscriptionRules(
            FhirContext fhir, SearchParamMatcher matcher, SubscriptionSettings settings, ActiveSubscriptions active) {
        this.fhir = fhir;
        this.matcher = matcher;
        this.settings = settings;
        this.active = active;
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void creating(IBaseResource resource, RequestDetails request) {
        if (resource instanceof Subscription subscription) {
            check(subscription, request);
        }
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updating(IBaseResource previous, IBaseResource resource, RequestDetails request) {
        if (resource instanceof Subscription subscription) {
            check(subscription, request);
        }
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
    public void created(IBaseResource resource, RequestDetails request) {
        if (resource instanceof Subscription) {
            active.changed(RequestTenants.of(request));
        }
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
    public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
        if (resource instanceof Subscription) {
            active.changed(RequestTenants.of(request));
        }
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
    public void deleted(IBaseResource resource, RequestDetails request) {
        if (resource instanceof Subscription) {
            active.changed(RequestTenants.of(request));
        }
    }

    private void check(Subscription subscription, RequestDetails request) {
        Subscription.SubscriptionChannelComponent channel = subscription.getChannel();
        if (channel.getType() != Subscription.SubscriptionChannelType.RESTHOOK) {
            throw refused("Subscription.channel.type: this server delivers rest-hook notifications only");
        }
        String type = criteriaType(subscription.getCriteria());
        if ("AuditEvent".equals(type)) {
            throw refused("Subscription.criteria: the audit trail is read by administrators through the API only");
        }
        InMemoryMatchResult matchable = matcher.match(
                subscription.getCriteria(), fhir.getResourceDefinition(type).newInstance(), request);
        if (!matchable.supported()) {
            throw refused("Subscription.criteria cannot be matched as resources are written: "
                    + matchable.getUnsupportedReason());
        }
        checkEndpoint(channel.getEndpoint());
        if (channel.hasPayload()
                && !Set.of("application/fhir+json", "application/json").contains(channel.getPayload())) {
            throw refused("Subscription.channel.payload: application/fhir+json, or none for empty notifications");
        }
        for (StringType header : channel.getHeader()) {
            var parsed = HEADER.matcher(header.getValueAsString() == null ? "" : header.getValueAsString());
            if (!parsed.matches() || RESERVED_HEADERS.contains(parsed.group(1).toLowerCase(Locale.ROOT))) {
                throw refused("Subscription.channel.header: each is 'Name: value', and not a header the"
                        + " delivery sets itself (" + String.join(", ", RESERVED_HEADERS) + ")");
            }
        }
        if (!Callers.currentMaySearchAll(RequestTenants.of(request), type)) {
            throw new ForbiddenOperationException("A Subscription to " + type + " needs a token that searches every "
                    + type + " of this hospital: its subscriber is told of each one");
        }
        if (subscription.getStatus() == null || subscription.getStatus() == Subscription.SubscriptionStatus.REQUESTED) {
            subscription.setStatus(Subscription.SubscriptionStatus.ACTIVE);
        }
    }

    private String criteriaType(String criteria) {
        String type = criteria == null ? "" : criteria.split("\\?", 2)[0];
        if (type.isEmpty() || !fhir.getResourceTypes().contains(type)) {
            throw refused("Subscription.criteria must be a search on a resource type, as in"
                    + " ServiceRequest?status=active&intent=proposal");
        }
        return type;
    }

    private void checkEndpoint(String endpoint) {
        URI uri;
        try {
            uri = endpoint == null ? null : URI.create(endpoint).normalize();
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null
                || uri.getRawUserInfo() != null
                || !Set.of("http", "https").contains(String.valueOf(uri.getScheme()))
                || uri.getHost() == null) {
            throw refused("Subscription.channel.endpoint must be an http or https URL without user info");
        }
        String normalized = uri.toString();
        if (settings.allowedEndpoints().stream().noneMatch(normalized::startsWith)) {
            throw refused("Subscription.channel.endpoint is not among the addresses this server may notify"
                    + " (rehab.subscriptions.allowed-endpoints)");
        }
    }

    private static UnprocessableEntityException refused(String why) {
        return new UnprocessableEntityException(why);
    }
}
