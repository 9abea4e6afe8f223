package org.rehab.testsupport;

import org.rehab.RehabServerApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A server of its own on a PostgreSQL database, for tests that stop and start it again on the same data: security
 * off, and HL7 alerts retried and their state synchronised within a second.
 */
public final class StandaloneServer {

    private StandaloneServer() {}

    public static ConfigurableApplicationContext start(String database) {
        return new SpringApplicationBuilder(RehabServerApplication.class)
                .run(
                        "--server.port=0",
                        "--rehab.security.enabled=false",
                        "--spring.datasource.url=" + database,
                        "--spring.datasource.username=" + TestPostgres.USER,
                        "--spring.datasource.password=" + TestPostgres.PASSWORD,
                        "--rehab.hl7.retry-initial-delay=200ms",
                        "--rehab.hl7.retry-max-delay=500ms",
                        "--rehab.hl7.poll-interval=50ms");
    }
}
