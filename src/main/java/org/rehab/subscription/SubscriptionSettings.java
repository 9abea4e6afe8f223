package org.rehab.subscription;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of R4 rest-hook Subscriptions: where notifications may go (none by default, so that no Subscription can
 * make this server call an address its operators did not allow), and how they are delivered and retried.
 *
 * @param allowedEndpoints URL prefixes a Subscription's endpoint must start with (e.g. {@code https://ehr.north/})
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
        @DefaultValue("60s") Duration lease) {

    public SubscriptionSettings {
        if (lease.compareTo(timeout.multipliedBy(2)) <= 0) {
            throw new IllegalArgumentException("rehab.subscriptions.lease (" + lease
                    + ") must be longer than twice the timeout: a worker delivers nothing that could outlast it");
        }
    }

    /** The wait before the next attempt: the initial delay, doubled at every failure, capped. */
    Duration retryDelay(int failedAttempts) {
        long millis = retryInitialDelay.toMillis() << Math.min(Math.max(failedAttempts - 1, 0), 30);
        return Duration.ofMillis(Math.min(millis, retryMaxDelay.toMillis()));
    }
}
