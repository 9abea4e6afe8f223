package org.rehab.recommendation;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.rehab.database.DatabasePlatform;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
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
    private final NamedParameterJdbcTemplate named;
    private final String upsert;

    RecordRevisions(JdbcTemplate jdbc, DatabasePlatform platform) {
        this.jdbc = jdbc;
        this.named = new NamedParameterJdbcTemplate(jdbc);
        this.upsert = switch (platform) {
            case POSTGRESQL ->
                "INSERT INTO rehab_record_revision (tenant, patient_id, revision) VALUES (?, ?, ?)"
                        + " ON CONFLICT (tenant, patient_id) DO UPDATE SET revision = EXCLUDED.revision";
            case H2 ->
                "MERGE INTO rehab_record_revision (tenant, patient_id, revision) KEY (tenant, patient_id)"
                        + " VALUES (?, ?, ?)";
        };
    }

    /** The revision of the patient's record and of the tenant's shared data, as one key; 0 when never written. */
    Revision of(String tenant, String patientId) {
        return of(tenant, List.of(patientId)).get(patientId);
    }

    /** The revisions of these patients' records, as {@link #of(String, String)} gives each, in one query. */
    Map<String, Revision> of(String tenant, Collection<String> patientIds) {
        Map<String, Long> revisions = new HashMap<>();
        named.query(
                "SELECT patient_id, revision FROM rehab_record_revision WHERE tenant = :tenant AND patient_id IN (:ids)",
                new MapSqlParameterSource("tenant", tenant)
                        .addValue(
                                "ids",
                                Stream.concat(patientIds.stream(), Stream.of(WHOLE_TENANT))
                                        .toList()),
                row -> {
                    revisions.put(row.getString(1), row.getLong(2));
                });
        long wholeTenant = revisions.getOrDefault(WHOLE_TENANT, 0L);
        Map<String, Revision> of = new HashMap<>();
        patientIds.forEach(id -> of.put(id, new Revision(revisions.getOrDefault(id, 0L), wholeTenant)));
        return of;
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
