package org.rehab.testsupport;

import java.util.ArrayList;
import java.util.List;
import org.rehab.RehabServerApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A server of its own on a PostgreSQL database, for tests that stop and start it again on the same data: security
 * off, and HL7 alerts retried and their state synchronised within a second.
 */
public final class StandaloneServer {

    private StandaloneServer() {}

    /** The server, with these settings ({@code --key=value}) added to the standalone ones. */
    public static ConfigurableApplicationContext start(String database, String... settings) {
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=0",
                "--rehab.security.enabled=false",
                "--spring.datasource.url=" + database,
                "--spring.datasource.username=" + TestPostgres.USER,
                "--spring.datasource.password=" + TestPostgres.PASSWORD,
                "--rehab.hl7.retry-initial-delay=200ms",
                "--rehab.hl7.retry-max-delay=500ms",
                "--rehab.hl7.poll-interval=50ms"));
        arguments.addAll(List.of(settings));
        return new SpringApplicationBuilder(RehabServerApplication.class).run(arguments.toArray(String[]::new));
    }
}
