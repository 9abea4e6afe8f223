package org.rehab.adt;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Inbound ADT feeds over MLLP: one listener per hospital, on the port {@code ports.{tenant}}; none by default.
 * {@code mrn-systems.{tenant}} is the identifier system of the hospital's medical record numbers when PID-3 names
 * no assigning authority as a URI or an OID. The answer to each message is kept {@code keep-answers}, so that the
 * same message sent again within that time changes nothing.
 */
@ConfigurationProperties("rehab.adt")
public record AdtSettings(
        @DefaultValue Map<String, Integer> ports,
        @DefaultValue("127.0.0.1") String bindAddress,
        @DefaultValue Map<String, String> mrnSystems,
        @DefaultValue("1048576") int maxMessageBytes,
        @DefaultValue("16") int maxConnections,
        @DefaultValue("5m") Duration idleTimeout,
        @DefaultValue("7d") Duration keepAnswers) {

    String mrnSystem(String tenant) {
        return mrnSystems.getOrDefault(tenant, "urn:rehab:" + tenant + ":mrn");
    }

    String visitSystem(String tenant) {
        return "urn:rehab:" + tenant + ":visit";
    }
}
