package org.rehab.database;

import ca.uhn.fhir.jpa.migrate.DriverTypeEnum;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirH2Dialect;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect;

/** The databases this server runs on, recognised from the JDBC URL so that no dialect setting is needed. */
public enum DatabasePlatform {
    H2(DriverTypeEnum.H2_EMBEDDED, HapiFhirH2Dialect.class.getName()),
    POSTGRESQL(DriverTypeEnum.POSTGRES_9_4, HapiFhirPostgresDialect.class.getName());

    private final DriverTypeEnum driverType;
    private final String hibernateDialect;

    DatabasePlatform(DriverTypeEnum driverType, String hibernateDialect) {
        this.driverType = driverType;
        this.hibernateDialect = hibernateDialect;
    }

    /** HAPI's migration tool's name for it. */
    public DriverTypeEnum driverType() {
        return driverType;
    }

    public String hibernateDialect() {
        return hibernateDialect;
    }

    public static DatabasePlatform fromJdbcUrl(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalStateException("Unsupported database URL " + jdbcUrl
                + ": use jdbc:postgresql:... or leave it unset for the embedded database");
    }
}
