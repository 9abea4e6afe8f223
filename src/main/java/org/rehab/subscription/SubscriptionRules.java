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

    /** An HTTP header (RFC 9110 token name), its value in visible ASCII, spaces and tabs. */
    private static final Pattern HEADER = Pattern.compile("([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \\t]*([\\t\\x20-\\x7E]*)");

    /** What the delivery or its HTTP client sets, and what could route the request elsewhere behind a proxy. */
    private static final Set<String> RESERVED_HEADERS = Set.of(
            "connection",
            "content-length",
            "content-type",
            "date",
            "expect",
            "forwarded",
            "from",
            "host",
            "transfer-encoding",
            "upgrade",
            "via",
            "warning",
            "x-forwarded-for",
            "x-forwarded-host",
            "x-forwarded-proto",
            "x-original-url",
            "x-rewrite-url");

    private static final int MAX_ENDPOINT = 2048;
    private static final int MAX_CRITERIA = 2048;

    /** Each write of the hospital is matched against each of its active Subscriptions. */
    static final int MAX_ACTIVE = 100;

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
            if (active.of(RequestTenants.of(request)).size() >= MAX_ACTIVE) {
                throw refused("This hospital has " + MAX_ACTIVE + " active Subscriptions, as many as it may have:"
                        + " set one it no longer needs off, or delete it");
            }
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
        if (subscription.hasCriteria() && subscription.getCriteria().length() > MAX_CRITERIA) {
            throw refused("Subscription.criteria is longer than " + MAX_CRITERIA + " characters");
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
        checkEndpoint(RequestTenants.of(request), channel.getEndpoint());
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

    private void checkEndpoint(String tenant, String endpoint) {
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
        if (endpoint.length() > MAX_ENDPOINT) {
            throw refused("Subscription.channel.endpoint is longer than " + MAX_ENDPOINT + " characters");
        }
        if (!settings.allows(tenant, endpoint)) {
            throw refused("Subscription.channel.endpoint is not among the addresses this server may notify for this"
                    + " hospital (rehab.subscriptions.allowed-endpoints, or the hospital's own"
                    + " rehab.subscriptions.tenants." + tenant + ".allowed-endpoints)");
        }
    }

    private static UnprocessableEntityException refused(String why) {
        return new UnprocessableEntityException(why);
    }
}
