package org.rehab.testsupport;

import java.nio.file.Path;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Points the shared test context at its own database: a fresh database on the embedded PostgreSQL server, or,
 * when the tests run with {@code -Drehab.test.database=h2}, a fresh H2 file like the embedded default.
 */
public class TestDatabaseInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static TestPropertyValues database;

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        sharedDatabase().applyTo(context);
    }

    public static boolean onH2() {
        return "h2".equals(System.getProperty("rehab.test.database"));
    }

    private static synchronized TestPropertyValues sharedDatabase() {
        if (database == null) {
            database = onH2()
                    ? TestPropertyValues.of(
                            "spring.datasource.url=jdbc:h2:file:"
                                    + Path.of("target", "it-h2", Long.toHexString(System.nanoTime()), "rehab")
                                            .toAbsolutePath(),
                            "spring.datasource.username=sa",
                            "spring.datasource.password=")
                    : TestPropertyValues.of(
                            "spring.datasource.url=" + TestPostgres.createDatabase("rehab_shared"),
                            "spring.datasource.username=" + TestPostgres.USER,
                            "spring.datasource.password=" + TestPostgres.PASSWORD);
        }
        return database;
    }
}
