package org.rehab.config;

import java.util.List;
import org.apache.commons.dbcp2.BasicDataSource;
import org.rehab.database.DatabasePlatform;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

/**
 * Bounds every database statement by {@code rehab.fhir.query-timeout}, on each connection as the pool opens it: a
 * runaway query is cancelled by the database itself, on PostgreSQL and on H2 alike.
 */
@Component
class QueryTimeLimit implements BeanPostProcessor {

    private final FhirServerSettings settings;

    QueryTimeLimit(FhirServerSettings settings) {
        this.settings = settings;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String name) {
        if (bean instanceof BasicDataSource pool && pool.getUrl() != null) {
            long millis = settings.queryTimeout().toMillis();
            pool.setConnectionInitSqls(List.of(
                    switch (DatabasePlatform.fromJdbcUrl(pool.getUrl())) {
                        case POSTGRESQL -> "SET statement_timeout = " + millis;
                        case H2 -> "SET QUERY_TIMEOUT " + millis;
                    }));
        }
        return bean;
    }
}
