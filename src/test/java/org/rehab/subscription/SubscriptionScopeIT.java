package org.rehab.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.rehab.testsupport.SecuredServerIT;

/** Only a caller who may search everything a Subscription tells of may create it. */
class SubscriptionScopeIT extends SecuredServerIT {

    private static final String SUBSCRIPTION = "{\"resourceType\":\"Subscription\",\"status\":\"requested\","
            + "\"reason\":\"New recommendations\",\"criteria\":\"ServiceRequest?status=active&intent=proposal\","
            + "\"channel\":{\"type\":\"rest-hook\",\"endpoint\":\"http://127.0.0.1:9/notify\","
            + "\"payload\":\"application/fhir+json\"}}";

    @Test
    void aClientThatCannotSearchRecommendationsCannotSubscribeToThem() {
        assertRefused(
                send("POST", "/fhir/north/Subscription", northEhr("system/Subscription.c"), SUBSCRIPTION),
                403,
                "needs a token that searches every ServiceRequest");
    }

    @Test
    void aClientThatSearchesRecommendationsSubscribesToThem() {
        assertThat(send(
                                "POST",
                                "/fhir/north/Subscription",
                                northEhr("system/Subscription.c system/ServiceRequest.rs"),
                                SUBSCRIPTION)
                        .statusCode())
                .isEqualTo(201);
    }

    @Test
    void aTherapistCannotSendPatientDataElsewhereThroughASubscription() {
        assertRefused(
                send(
                        "POST",
                        "/fhir/north/Subscription",
                        tokens.userToken("north-therapist", "openid user/*.cruds"),
                        SUBSCRIPTION),
                403,
                "read and changed by a hospital's administrators and its EHR back ends only");
    }

    @Test
    void aTherapistReadsNoSubscriptionNorTheCredentialsItsReceiverExpects() {
        String created = send(
                        "POST",
                        "/fhir/north/Subscription",
                        northEhr("system/Subscription.cruds system/ServiceRequest.rs"),
                        SUBSCRIPTION.replace(
                                "\"payload\"",
                                "\"header\":[\"Authorization: Bearer receiver-secret\"]," + "\"payload\""))
                .headers()
                .firstValue("Location")
                .orElseThrow();
        String id = created.replaceAll(".*/Subscription/([^/]+)/_history/.*", "$1");
        String therapist = tokens.userToken("north-therapist", "openid user/*.cruds");

        assertRefused(get("/fhir/north/Subscription/" + id, therapist), 403, "read and changed by");
        assertRefused(get("/fhir/north/Subscription", therapist), 403, "read and changed by");
        assertThat(get("/fhir/north/Subscription/" + id, northEhr("system/Subscription.rs"))
                        .body())
                .contains("receiver-secret");
    }

    @Test
    void anotherHospitalsClientCannotSubscribeHere() {
        assertThat(send(
                                "POST",
                                "/fhir/north/Subscription",
                                southEhr("system/Subscription.c system/ServiceRequest.rs"),
                                SUBSCRIPTION)
                        .statusCode())
                .isEqualTo(403);
    }
}
