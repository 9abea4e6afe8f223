package org.rehab.recommendation;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The revision of each patient's clinical record, in table {@code rehab_record_revision}: a random token that is
 * replaced whenever the patient's data changes, in the transaction that changes it. Facts computed at one
 * revision are current as long as the revision is unchanged, on every instance sharing the database.
 */
@Component
class RecordRevisions {

    /** The row for data shared by all patients of a tenant. */
    static final String WHOLE_TENANT = "*";

    private final JdbcTemplate jdbc;
    private final String upsert;

    RecordRevisions(JdbcTemplate jdbc, DataSource dataSource) throws SQLException {
        this.jdbc = jdbc;
        try (Connection connection = dataSource.getConnection()) {
            boolean postgres = connection.getMetaData().getDatabaseProductName().equals("PostgreSQL");
            this.upsert = postgres
                    ? "INSERT INTO rehab_record_revision (tenant, patient_id, revision) VALUES (?, ?, ?)"
                            + " ON CONFLICT (tenant, patient_id) DO UPDATE SET revision = EXCLUDED.revision"
                    : "MERGE INTO rehab_record_revision (tenant, patient_id, revision) KEY (tenant, patient_id)"
                            + " VALUES (?, ?, ?)";
        }
    }

    /** The revision of the patient's record and of the tenant's shared data, as one key; 0 when never written. */
    Revision of(String tenant, String patientId) {
        long[] revisions = new long[2];
        jdbc.query(
                "SELECT patient_id, revision FROM rehab_record_revision WHERE tenant = ? AND patient_id IN (?, ?)",
                row -> {
                    revisions[WHOLE_TENANT.equals(row.getString(1)) ? 1 : 0] = row.getLong(2);
                },
                tenant,
                patientId,
                WHOLE_TENANT);
        return new Revision(revisions[0], revisions[1]);
    }

    /** Marks the records as changed; ids are taken in sorted order, so concurrent writers cannot deadlock here. */
    void changed(String tenant, Collection<String> patientIds) {
        List<String> sorted = patientIds.stream().sorted().distinct().toList();
        for (String patientId : sorted) {
            jdbc.update(upsert, tenant, patientId, ThreadLocalRandom.current().nextLong());
        }
    }

    record Revision(long patient, long tenant) {}
}
