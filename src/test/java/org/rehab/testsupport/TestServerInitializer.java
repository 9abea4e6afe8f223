package org.rehab.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Prepares the shared test server: its own database (a fresh database on the embedded PostgreSQL server or, with
 * {@code -Drehab.test.database=h2}, a fresh H2 file like the embedded default) and its own copy of rules/, which
 * the rule-reload tests may change, and a packages folder holding a small implementation guide.
 */
public class TestServerInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    /** The hospital whose ADT feed the shared server listens to, on {@link #adtPort()}. */
    public static final String ADT_TENANT = "adtfeed";

    /** Another hospital with an ADT feed, on {@link #otherAdtPort()}. */
    public static final String OTHER_ADT_TENANT = "adtother";

    private static TestPropertyValues properties;
    private static int adtPort;
    private static int otherAdtPort;
    private static Path rulesDirectory;

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        sharedProperties().applyTo(context);
    }

    public static boolean onH2() {
        return "h2".equals(System.getProperty("rehab.test.database"));
    }

    /** The rules directory of the shared test server. */
    public static synchronized Path rulesDirectory() {
        if (rulesDirectory == null) {
            rulesDirectory = Path.of("target", "it-rules-" + Long.toHexString(System.nanoTime()))
                    .toAbsolutePath();
            try {
                Files.createDirectories(rulesDirectory);
                try (var files = Files.list(Path.of("rules"))) {
                    for (Path file : files.toList()) {
                        Files.copy(file, rulesDirectory.resolve(file.getFileName()));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return rulesDirectory;
    }

    public static synchronized int adtPort() {
        if (adtPort == 0) {
            adtPort = freePort();
        }
        return adtPort;
    }

    /** The port of another hospital's ADT feed ({@link #OTHER_ADT_TENANT}). */
    public static synchronized int otherAdtPort() {
        if (otherAdtPort == 0) {
            otherAdtPort = freePort();
        }
        return otherAdtPort;
    }

    private static int freePort() {
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return free.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized TestPropertyValues sharedProperties() {
        if (properties == null) {
            List<String> values = new ArrayList<>(
                    onH2()
                            ? List.of(
                                    "spring.datasource.url=jdbc:h2:file:"
                                            + Path.of("target", "it-h2", Long.toHexString(System.nanoTime()), "rehab")
                                                    .toAbsolutePath(),
                                    "spring.datasource.username=sa",
                                    "spring.datasource.password=")
                            : List.of(
                                    "spring.datasource.url=" + TestPostgres.createDatabase("rehab_shared"),
                                    "spring.datasource.username=" + TestPostgres.USER,
                                    "spring.datasource.password=" + TestPostgres.PASSWORD));
            values.add("rehab.recommendation.rules-directory=" + rulesDirectory());
            values.add("rehab.recommendation.watch-rules=true");
            values.add("rehab.recommendation.candidate-rules-directory=src/test/resources/rules-candidates");
            values.add("rehab.fhir.implementation-guides=" + TestImplementationGuide.writePackagesFolder());
            // The functional tests run in local mode; the security tests have their own server (SecuredServerIT).
            values.add("rehab.security.enabled=false");
            // Alerts: short timeouts and delays, so that the fault tests run in seconds.
            values.add("rehab.hl7.ack-timeout=1s");
            values.add("rehab.hl7.retry-initial-delay=300ms");
            values.add("rehab.hl7.retry-max-delay=2s");
            values.add("rehab.hl7.poll-interval=50ms");
            // South admits surgeries of the last 30 days only (a per-tenant override under test).
            values.add("rehab.recommendation.tenants.south.recent-surgery-days=30");
            // Evaluation on change, in a tenant of its own (EvaluationOnChangeIT), so that no other test meets it.
            values.add("rehab.recommendation.tenants.onchange.evaluate-on-change=true");
            // The ADT feed of one hospital (AdtFeedIT), on a free port of loopback.
            values.add("rehab.adt.ports." + ADT_TENANT + "=" + adtPort());
            values.add("rehab.adt.ports." + OTHER_ADT_TENANT + "=" + otherAdtPort());
            // Subscriptions notify receivers the tests start on loopback, give them 2 s, and retry within a second.
            values.add("rehab.subscriptions.allowed-endpoints=http://127.0.0.1:");
            // One hospital (SubscriptionIT) with a list of its own instead of the common one.
            values.add("rehab.subscriptions.tenants.subsconfined.allowed-endpoints=http://127.0.0.1:9/confined/");
            values.add("rehab.subscriptions.retry-initial-delay=200ms");
            values.add("rehab.subscriptions.retry-max-delay=1s");
            values.add("rehab.subscriptions.poll-interval=50ms");
            values.add("rehab.subscriptions.timeout=2s");
            properties = TestPropertyValues.of(values);
        }
        return properties;
    }
}
