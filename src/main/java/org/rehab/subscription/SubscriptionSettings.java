package org.rehab.subscription;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of R4 rest-hook Subscriptions: where notifications may go (none by default, so that no Subscription can
 * make this server call an address its operators did not allow), for every hospital or for one
 * ({@code rehab.subscriptions.tenants.{tenant}.allowed-endpoints}), and how they are delivered and retried.
 *
 * @param allowedEndpoints URL prefixes a Subscription's endpoint must start with (e.g. {@code https://ehr.north/}),
 *     in a hospital without a list of its own
 * @param deliveryEnabled whether this instance runs the delivery workers
 * @param timeout how long a receiver has to answer
 * @param retryInitialDelay the wait after a first failed delivery, doubled at each failure
 * @param retryMaxDelay the longest wait between two attempts
 * @param pollInterval how often an idle worker looks for due notifications
 * @param lease how long a worker holds the notifications it is delivering
 */
@ConfigurationProperties("rehab.subscriptions")
public record SubscriptionSettings(
        @DefaultValue List<String> allowedEndpoints,
        @DefaultValue("true") boolean deliveryEnabled,
        @DefaultValue("10s") Duration timeout,
        @DefaultValue("2s") Duration retryInitialDelay,
        @DefaultValue("5m") Duration retryMaxDelay,
        @DefaultValue("500ms") Duration pollInterval,
        @DefaultValue("60s") Duration lease,
        @DefaultValue Map<String, TenantOverrides> tenants) {

    /**
     * What one hospital changes: its own allowed endpoints, instead of those of every hospital, so that one
     * hospital's Subscriptions cannot send its data to another hospital's receiver.
     */
    public record TenantOverrides(List<String> allowedEndpoints) {}

    private static final Pattern ENCODED_SEPARATOR = Pattern.compile("%(2[eEfF]|5[cC])");

    public SubscriptionSettings {
        if (lease.compareTo(timeout.multipliedBy(2)) <= 0) {
            throw new IllegalArgumentException("rehab.subscriptions.lease (" + lease
                    + ") must be longer than twice the timeout: a worker delivers nothing that could outlast it");
        }
    }

    /**
     * Whether notifications may go to this endpoint: an http(s) URL without user info or encoded dots, slashes and
     * backslashes in its path, that once normalized starts with an allowed prefix and leaves it at a boundary (the
     * prefix ends with '/' or ':', or the URL goes on with '/', '?' or '#'), so that {@code https://ehr.north}
     * allows neither {@code https://ehr.north.example} nor {@code https://ehr.north:6379}.
     */
    boolean allows(String tenant, String endpoint) {
        URI uri;
        try {
            uri = endpoint == null ? null : URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (uri == null
                || uri.getRawUserInfo() != null
                || uri.getHost() == null
                || !Set.of("http", "https").contains(String.valueOf(uri.getScheme()))
                || ENCODED_SEPARATOR.matcher(String.valueOf(uri.getRawPath())).find()) {
            return false;
        }
        String normalized = uri.normalize().toString();
        return allowedEndpoints(tenant).stream()
                .anyMatch(prefix -> normalized.startsWith(prefix)
                        && (prefix.endsWith("/")
                                || prefix.endsWith(":")
                                || normalized.length() == prefix.length()
                                || "/?#".indexOf(normalized.charAt(prefix.length())) >= 0));
    }

    /** The URL prefixes the tenant's Subscriptions may notify. */
    List<String> allowedEndpoints(String tenant) {
        TenantOverrides overrides = tenants.get(tenant);
        return overrides != null && overrides.allowedEndpoints() != null
                ? overrides.allowedEndpoints()
                : allowedEndpoints;
    }

    /** The wait before the next attempt: the initial delay, doubled at every failure, capped. */
    Duration retryDelay(int failedAttempts) {
        long millis = retryInitialDelay.toMillis() << Math.min(Math.max(failedAttempts - 1, 0), 30);
        return Duration.ofMillis(Math.min(millis, retryMaxDelay.toMillis()));
    }
}
