package org.rehab.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.SecuredServerIT;
import org.rehab.testsupport.TestPostgres;
import org.rehab.testsupport.TestServerInitializer;

/**
 * Finding 13: while the database is out of reach every request answers 503 with {@code Retry-After}, naming no
 * internal class, and the server serves again once it is back.
 */
class DatabaseOutageAttackIT extends SecuredServerIT {

    @Test
    void databaseOutOfReachIs503WithRetryAfter() throws SQLException {
        assumeFalse(TestServerInitializer.onH2(), "the embedded H2 database cannot be out of reach");
        hospitalsWithPatients();
        String ehr = northEhr("system/*.cruds");
        HttpResponse<String> during;
        HttpResponse<String> write;
        cutOff(true);
        try {
            during = get("/fhir/north/Patient/108", ehr);
            write = send("POST", "/fhir/north/Patient", ehr, "{\"resourceType\":\"Patient\",\"gender\":\"male\"}");
        } finally {
            cutOff(false);
        }

        for (HttpResponse<String> response : java.util.List.of(during, write)) {
            assertRefused(response, 503, "database");
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
            assertThat(response.body())
                    .doesNotContain("org.")
                    .doesNotContain("java.")
                    .doesNotContain("HAPI-0389");
        }
        assertThat(get("/fhir/north/Patient/108", ehr).statusCode()).isEqualTo(200);
    }

    /** Refuses new connections to the server's database and ends those it holds, as a database restart does. */
    private static void cutOff(boolean refuse) throws SQLException {
        try (Connection connection = TestPostgres.server().getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("ALTER DATABASE " + SECURED_DATABASE + " ALLOW_CONNECTIONS " + !refuse);
            if (refuse) {
                statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                        + SECURED_DATABASE + "'");
            }
        }
    }
}
