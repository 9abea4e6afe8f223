package org.rehab.testsupport;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/** Points the shared test context at its own database on the embedded PostgreSQL server. */
public class PostgresContextInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static String url;

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        TestPropertyValues.of(
                        "spring.datasource.url=" + sharedDatabaseUrl(),
                        "spring.datasource.username=" + TestPostgres.USER,
                        "spring.datasource.password=" + TestPostgres.PASSWORD)
                .applyTo(context);
    }

    private static synchronized String sharedDatabaseUrl() {
        if (url == null) {
            url = TestPostgres.createDatabase("rehab_shared");
        }
        return url;
    }
}
