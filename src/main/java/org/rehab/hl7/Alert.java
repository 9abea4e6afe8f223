package org.rehab.hl7;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * One HL7 v2 alert to one endpoint, as the outbox holds it; {@code id} 0 for one not stored yet. An alert whose
 * message could not be built has no endpoint and no message.
 */
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
        Instant deliveredAt) {

    enum Status {
        PENDING,
        DELIVERED,
        PARKED
    }

    private static final String COMMUNICATION_PREFIX = "hl7-";

    /** The id of the alert's Communication in its tenant. */
    String communicationId() {
        return COMMUNICATION_PREFIX + controlId.toLowerCase(Locale.ROOT);
    }

    /** The control id of the alert a Communication stands for, if its id is an alert's. */
    static Optional<String> controlIdOf(String communicationId) {
        return communicationId.startsWith(COMMUNICATION_PREFIX)
                ? Optional.of(
                        communicationId.substring(COMMUNICATION_PREFIX.length()).toUpperCase(Locale.ROOT))
                : Optional.empty();
    }

    Alert delivered(String ackCode, Instant at) {
        return after(Status.DELIVERED, attempts + 1, nextAttemptAt, ackCode, null, at);
    }

    Alert retryAt(Instant next, String ackCode, String error) {
        return after(Status.PENDING, attempts + 1, next, ackCode, truncate(error), null);
    }

    /** Not tried this time: due again at {@code next}, no attempt counted. */
    Alert dueAt(Instant next) {
        return after(Status.PENDING, attempts, next, lastAckCode, lastError, null);
    }

    Alert parked(String ackCode, String error) {
        return after(Status.PARKED, attempts + 1, nextAttemptAt, ackCode, truncate(error), null);
    }

    /** The same alert in a new state of delivery. */
    private Alert after(
            Status status,
            int attempts,
            Instant nextAttemptAt,
            String lastAckCode,
            String lastError,
            Instant deliveredAt) {
        return new Alert(
                id,
                controlId,
                tenant,
                patientId,
                serviceRequestId,
                endpointId,
                orderControl,
                message,
                status,
                attempts,
                nextAttemptAt,
                lastAckCode,
                lastError,
                createdAt,
                deliveredAt);
    }

    private static String truncate(String error) {
        return error == null || error.length() <= 1000 ? error : error.substring(0, 1000);
    }
}
