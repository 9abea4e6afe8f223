package org.rehab.hl7;

import java.time.Instant;

/** One HL7 v2 alert to one endpoint, as the outbox holds it. */
record Alert(
        long id,
        String controlId,
        String tenant,
        String patientId,
        String serviceRequestId,
        String endpointId,
        String orderControl,
        String message,
        Status status,
        int attempts,
        Instant nextAttemptAt,
        String lastAckCode,
        String lastError,
        Instant createdAt,
        Instant deliveredAt,
        int stateVersion) {

    enum Status {
        PENDING,
        DELIVERED,
        PARKED
    }

    /** The id of the alert's Communication in its tenant. */
    String communicationId() {
        return "hl7-" + controlId.toLowerCase(java.util.Locale.ROOT);
    }
}
