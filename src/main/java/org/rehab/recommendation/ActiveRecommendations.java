package org.rehab.recommendation;

import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rehab.recommendation.rules.RecommendationType;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The active recommendations of each patient, one per recommendation, in table {@code rehab_active_recommendation}
 * whose primary key makes the database refuse a second one. Called inside the transaction that writes the
 * ServiceRequest, so the row and the resource commit or roll back together.
 */
@Component
class ActiveRecommendations {

    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;

    ActiveRecommendations(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.named = new NamedParameterJdbcTemplate(jdbc);
    }

    /** An active recommendation's ServiceRequest: its id and current version (null if not known). */
    record Active(String serviceRequestId, Long version) {}

    /** The active recommendations of the patient. */
    Map<RecommendationType, Active> of(String tenant, String patientId) {
        return of(tenant, List.of(patientId)).getOrDefault(patientId, new EnumMap<>(RecommendationType.class));
    }

    /** The active recommendations of these patients, by patient id, in one query. */
    Map<String, Map<RecommendationType, Active>> of(String tenant, Collection<String> patientIds) {
        Map<String, Map<RecommendationType, Active>> active = new HashMap<>();
        if (patientIds.isEmpty()) {
            return active;
        }
        named.query(
                "SELECT patient_id, recommendation, service_request_id, service_request_version"
                        + " FROM rehab_active_recommendation WHERE tenant = :tenant AND patient_id IN (:ids)",
                new MapSqlParameterSource("tenant", tenant).addValue("ids", patientIds),
                row -> {
                    long version = row.getLong(4);
                    active.computeIfAbsent(row.getString(1), id -> new EnumMap<>(RecommendationType.class))
                            .put(
                                    RecommendationType.fromKey(row.getString(2)),
                                    new Active(row.getString(3), row.wasNull() ? null : version));
                });
        return active;
    }

    /**
     * Records an active recommendation.
     *
     * @throws ResourceVersionConflictException if the patient already has one of this kind
     */
    void register(String tenant, String patientId, RecommendationType type, String serviceRequestId, Long version) {
        try {
            jdbc.update(
                    "INSERT INTO rehab_active_recommendation (tenant, patient_id, recommendation, service_request_id,"
                            + " service_request_version, registered_at) VALUES (?, ?, ?, ?, ?, ?)",
                    tenant,
                    patientId,
                    type.key(),
                    serviceRequestId,
                    version,
                    Timestamp.from(Instant.now()));
        } catch (DuplicateKeyException e) {
            throw alreadyActive(type);
        }
    }

    /**
     * An active recommendation's ServiceRequest was changed and is still active; its patient may have changed too
     * (a merged patient's recommendation follows the surviving one).
     *
     * @throws ResourceVersionConflictException if it moved to a patient that already has one of this kind
     */
    void revised(String tenant, String patientId, RecommendationType type, String serviceRequestId, Long version) {
        try {
            jdbc.update(
                    "UPDATE rehab_active_recommendation SET patient_id = ?, service_request_version = ?"
                            + " WHERE tenant = ? AND service_request_id = ?",
                    patientId,
                    version,
                    tenant,
                    serviceRequestId);
        } catch (DuplicateKeyException e) {
            throw alreadyActive(type);
        }
    }

    void unregister(String tenant, String serviceRequestId) {
        jdbc.update(
                "DELETE FROM rehab_active_recommendation WHERE tenant = ? AND service_request_id = ?",
                tenant,
                serviceRequestId);
    }

    private static ResourceVersionConflictException alreadyActive(RecommendationType type) {
        return new ResourceVersionConflictException("The patient already has an active " + type.title()
                + " recommendation: close it before another one is made active");
    }
}
