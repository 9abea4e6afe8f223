package org.rehab.recommendation;

import org.hl7.fhir.r4.model.ServiceRequest;
import org.rehab.recommendation.rules.RecommendationType;

/**
 * A change in a recommendation's life, published in the transaction that makes it: Spring delivers it to a
 * {@code @TransactionalEventListener} after commit (the default phase), or before commit to a listener that must
 * write in the same transaction (an outbox). Nothing is delivered for a transaction that rolls back.
 */
public sealed interface RecommendationEvent {

    String tenant();

    String serviceRequestId();

    String patientId();

    RecommendationType type();

    /** The recommendation as written (a copy). */
    ServiceRequest serviceRequest();

    /** A recommendation ServiceRequest was created active. */
    record Created(
            String tenant,
            String serviceRequestId,
            String patientId,
            RecommendationType type,
            ServiceRequest serviceRequest)
            implements RecommendationEvent {}

    /** An active recommendation was closed: its status became {@code status} (completed, revoked...) or it was deleted. */
    record Closed(
            String tenant,
            String serviceRequestId,
            String patientId,
            RecommendationType type,
            String status,
            ServiceRequest serviceRequest)
            implements RecommendationEvent {}
}
