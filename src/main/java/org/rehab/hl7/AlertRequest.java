package org.rehab.hl7;

import java.security.SecureRandom;
import java.time.Instant;

/**
 * An alert as the clinical write recorded it: the recommendation as written and its order control, to be built
 * into one message per active MLLP endpoint of the hospital. {@code claimedUntil} is the lease of the worker
 * building it.
 */
record AlertRequest(
        long id,
        String controlId,
        String tenant,
        String patientId,
        String serviceRequestId,
        String orderControl,
        String serviceRequest,
        int attempts,
        Instant createdAt,
        Instant claimedUntil) {

    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The most endpoints one hospital's alert goes to: two base-32 digits of the control id number them. */
    static final int MOST_ENDPOINTS = 32 * 32;

    /** MSH-10 of the first endpoint's message: {@code RH}, 16 random characters, then the endpoint's number. */
    static String newControlId() {
        StringBuilder id = new StringBuilder("RH");
        for (int i = 0; i < 16; i++) {
            id.append(BASE32.charAt(RANDOM.nextInt(32)));
        }
        return id.append("AA").toString();
    }

    /**
     * MSH-10 of the message to the {@code endpoint}-th endpoint (in the order of their ids): the same every time the
     * request is built, so a message sent again after a crash carries the control id the engine has seen.
     */
    String controlIdFor(int endpoint) {
        if (endpoint < 0 || endpoint >= MOST_ENDPOINTS) {
            throw new IllegalArgumentException("An alert goes to at most " + MOST_ENDPOINTS + " endpoints");
        }
        return controlId.substring(0, 18) + BASE32.charAt(endpoint / 32) + BASE32.charAt(endpoint % 32);
    }

    AlertRequest leasedUntil(Instant lease) {
        return new AlertRequest(
                id,
                controlId,
                tenant,
                patientId,
                serviceRequestId,
                orderControl,
                serviceRequest,
                attempts,
                createdAt,
                lease);
    }

    /** The alert to one endpoint, before its first attempt. */
    Alert toEndpoint(int number, String endpointId, String message) {
        return new Alert(
                0,
                controlIdFor(number),
                tenant,
                patientId,
                serviceRequestId,
                endpointId,
                orderControl,
                message,
                Alert.Status.PENDING,
                0,
                createdAt,
                null,
                null,
                createdAt,
                null);
    }

    /** This request as an alert that could not be built: no endpoint, no message, parked for a person. */
    Alert parked(String error) {
        return queued().parked(null, error);
    }

    /** This request as an alert queued to be built. */
    Alert queued() {
        return new Alert(
                id,
                controlId,
                tenant,
                patientId,
                serviceRequestId,
                null,
                orderControl,
                null,
                Alert.Status.PENDING,
                attempts,
                createdAt,
                null,
                null,
                createdAt,
                null);
    }
}
