package org.rehab.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rehab.audit.AuditTrail;
import org.rehab.testsupport.SecuredServerIT;
import org.springframework.beans.factory.annotation.Autowired;

/** Allowed and refused access become AuditEvents of the hospital, readable by its administrators only. */
class AuditTrailIT extends SecuredServerIT {

    @Autowired
    AuditTrail auditTrail;

    @BeforeEach
    void patients() {
        hospitalsWithPatients();
    }

    @Test
    void allowedReadIsAuditedWithWhoClientAndPatient() {
        String therapist = tokens.userToken("north-therapist", "openid fhirUser user/*.rs");
        assertThat(get("/fhir/north/Patient/102", therapist).statusCode()).isEqualTo(200);
        auditTrail.flush();

        String events = everyPage(
                "/fhir/north/AuditEvent?outcome=0&_count=50", tokens.userToken("north-admin", "openid user/*.rs"));

        assertThat(events)
                .contains("http://localhost:8080/fhir/north/Patient/102")
                .contains("Practitioner/north-therapist")
                .contains("therapist-dashboard");
    }

    @Test
    void evaluationIsAuditedWithThePatient() {
        String therapist = tokens.userToken("north-therapist", "openid fhirUser user/*.cruds");
        assertThat(send("POST", "/fhir/north/Patient/102/$evaluate", therapist, null)
                        .statusCode())
                .isEqualTo(200);
        auditTrail.flush();

        String events = everyPage(
                "/fhir/north/AuditEvent?outcome=0&_count=50", tokens.userToken("north-admin", "openid user/*.rs"));

        assertThat(events)
                .contains("$evaluate on Patient/102")
                .contains("\"reference\":\"http://localhost:8080/fhir/north/Patient/102\"");
    }

    @Test
    void refusedAccessIsAuditedInTheHospitalThatWasTargeted() {
        String south = tokens.userToken("south-therapist", "openid fhirUser user/*.rs");
        assertThat(get("/fhir/north/Patient/105", south).statusCode()).isEqualTo(403);
        assertThat(get("/fhir/north/Patient/105", null).statusCode()).isEqualTo(401);
        auditTrail.flush();

        String events = everyPage(
                "/fhir/north/AuditEvent?outcome=4&_count=50", tokens.userToken("north-admin", "openid user/*.rs"));

        assertThat(events)
                .contains("Practitioner/south-therapist")
                .contains("not for hospital north")
                .contains("no valid access token");
    }

    @Test
    void auditTrailIsReadableByTheHospitalsAdministratorsOnly() {
        assertThat(get("/fhir/north/AuditEvent", tokens.userToken("north-therapist", "openid user/*.rs"))
                        .statusCode())
                .isEqualTo(403);
        assertThat(get("/fhir/north/AuditEvent", tokens.userToken("south-admin", "openid user/*.rs"))
                        .statusCode())
                .isEqualTo(403);
        assertThat(get("/fhir/north/AuditEvent", tokens.userToken("north-admin", "openid user/*.rs"))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void nobodyWritesTheAuditTrail() {
        String admin = tokens.userToken("north-admin", "openid user/*.cruds");
        String forged = "{\"resourceType\":\"AuditEvent\",\"type\":{\"code\":\"rest\"},\"recorded\":"
                + "\"2026-01-01T00:00:00Z\",\"agent\":[{\"requestor\":true}],\"source\":{\"observer\":{\"display\":\"x\"}}}";

        assertThat(send("POST", "/fhir/north/AuditEvent", admin, forged).statusCode())
                .isEqualTo(403);
    }
}
