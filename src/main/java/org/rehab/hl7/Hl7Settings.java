package org.rehab.hl7;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Settings of the HL7 v2 alerts: the message header, MLLP timeouts, retries and the delivery workers. */
@ConfigurationProperties("rehab.hl7")
public record Hl7Settings(
        @DefaultValue("true") boolean deliveryEnabled,
        @DefaultValue("REHAB") String sendingApplication,
        @DefaultValue Map<String, String> sendingFacilities,
        @DefaultValue("P") String processingId,
        @DefaultValue("3s") Duration connectTimeout,
        @DefaultValue("10s") Duration ackTimeout,
        @DefaultValue("2s") Duration retryInitialDelay,
        @DefaultValue("5m") Duration retryMaxDelay,
        @DefaultValue("4") int workers,
        @DefaultValue("200ms") Duration pollInterval,
        @DefaultValue("60s") Duration lease) {

    public Hl7Settings {
        if (lease.compareTo(connectTimeout.plus(ackTimeout).plusSeconds(1)) <= 0) {
            throw new IllegalArgumentException("rehab.hl7.lease (" + lease + ") must be longer than connect-timeout"
                    + " plus ack-timeout plus one second: a worker sends nothing that could outlast its lease");
        }
    }

    /** MSH-4: the hospital, by default its tenant name. */
    String sendingFacility(String tenant) {
        return sendingFacilities.getOrDefault(tenant, tenant);
    }

    /** The wait before the next attempt: the initial delay, doubled at every failure, capped. */
    Duration retryDelay(int failedAttempts) {
        long millis = retryInitialDelay.toMillis() << Math.min(Math.max(failedAttempts - 1, 0), 30);
        return Duration.ofMillis(Math.min(millis, retryMaxDelay.toMillis()));
    }
}
