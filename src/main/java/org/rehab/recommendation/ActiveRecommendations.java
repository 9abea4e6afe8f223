package org.rehab.recommendation;

import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.rehab.recommendation.rules.RecommendationType;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The active recommendations of each patient, one per recommendation, in table {@code rehab_active_recommendation}
 * whose primary key makes the database refuse a second one. Called inside the transaction that writes the
 * ServiceRequest, so the row and the resource commit or roll back together.
 */
@Component
class ActiveRecommendations {

    private final JdbcTemplate jdbc;

    ActiveRecommendations(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The ServiceRequest id of each active recommendation of the patient. */
    Map<RecommendationType, String> of(String tenant, String patientId) {
        Map<RecommendationType, String> active = new EnumMap<>(RecommendationType.class);
        jdbc.query(
                "SELECT recommendation, service_request_id FROM rehab_active_recommendation"
                        + " WHERE tenant = ? AND patient_id = ?",
                row -> {
                    active.put(RecommendationType.fromKey(row.getString(1)), row.getString(2));
                },
                tenant,
                patientId);
        return active;
    }

    /**
     * Records an active recommendation.
     *
     * @throws ResourceVersionConflictException if the patient already has one of this kind
     */
    void register(String tenant, String patientId, RecommendationType type, String serviceRequestId) {
        try {
            jdbc.update(
                    "INSERT INTO rehab_active_recommendation"
                            + " (tenant, patient_id, recommendation, service_request_id, registered_at)"
                            + " VALUES (?, ?, ?, ?, ?)",
                    tenant,
                    patientId,
                    type.key(),
                    serviceRequestId,
                    Timestamp.from(Instant.now()));
        } catch (DuplicateKeyException e) {
            throw new ResourceVersionConflictException("The patient already has an active " + type.title()
                    + " recommendation: close it before another one is made active");
        }
    }

    void unregister(String tenant, String serviceRequestId) {
        jdbc.update(
                "DELETE FROM rehab_active_recommendation WHERE tenant = ? AND service_request_id = ?",
                tenant,
                serviceRequestId);
    }
}
