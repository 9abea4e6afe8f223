package org.rehab.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.SecuredServerIT;

/**
 * Finding 7: protecting the audit trail must not refuse what callers' scopes allow: conditional deletes, a patient's
 * own {@code $everything}, {@code $meta}, history; the audit trail itself stays closed to them.
 */
class OverBlockingAttackIT extends SecuredServerIT {

    private String therapist;

    @BeforeEach
    void signIn() {
        hospitalsWithPatients();
        therapist = tokens.userToken("north-therapist", "openid user/*.cruds");
    }

    @Test
    void conditionalDeleteWorksWithinScope() {
        String ehr = northEhr("system/*.cruds");
        require(
                send(
                        "PUT",
                        "/fhir/north/Observation/cond-delete-1",
                        ehr,
                        "{\"resourceType\":\"Observation\",\"id\":\"cond-delete-1\",\"status\":\"final\","
                                + "\"identifier\":[{\"system\":\"urn:test\",\"value\":\"cond-delete-1\"}],"
                                + "\"code\":{\"text\":\"steps\"},\"subject\":{\"reference\":\"Patient/108\"}}"),
                201);

        HttpResponse<String> deleted =
                send("DELETE", "/fhir/north/Observation?identifier=urn:test%7Ccond-delete-1", ehr, null);

        assertThat(deleted.statusCode()).as(deleted.body()).isIn(200, 204);
        assertThat(get("/fhir/north/Observation/cond-delete-1", ehr).statusCode())
                .isEqualTo(410);
    }

    @Test
    void patientReadsTheirOwnEverythingWithoutTheAuditTrailAboutThem() throws InterruptedException {
        String patient = tokens.userToken("patient-108", "openid launch/patient patient/*.rs");
        String admin = tokens.userToken("north-admin", "openid user/*.rs");
        require(get("/fhir/north/Patient/108", patient), 200);
        require(send("POST", "/fhir/north/Patient/108/$evaluate", therapist, null), 200);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!get("/fhir/north/AuditEvent?patient=108&_count=1", admin).body().contains("\"entry\"")
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }

        assertThat(everyPage("/fhir/north/Patient/108/$everything", patient))
                .contains("\"id\":\"108\"")
                .contains("\"resourceType\":\"ServiceRequest\"")
                .doesNotContain("\"resourceType\":\"AuditEvent\"")
                .doesNotContain("\"resourceType\":\"Device\"");
    }

    @Test
    void therapistReadsMetaAndHistoryWithinScope() {
        for (String path : new String[] {
            "/fhir/north/Patient/108/$meta", "/fhir/north/Patient/108/_history", "/fhir/north/Observation/_history"
        }) {
            HttpResponse<String> response = get(path, therapist);
            assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        }
    }

    @Test
    void auditTrailStaysClosedToNonAdministrators() {
        assertRefused(get("/fhir/north/AuditEvent", therapist), 403, "audit trail");
        HttpResponse<String> history = get("/fhir/north/_history?_count=500", therapist);
        assertThat(history.body()).doesNotContain("\"resourceType\":\"AuditEvent\"");
        assertRefused(
                send("POST", "/fhir/north/AuditEvent", therapist, "{\"resourceType\":\"AuditEvent\"}"),
                403,
                "audit trail");
    }
}
