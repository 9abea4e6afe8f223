package org.rehab.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.SecuredServerIT;

/** Roles and SMART scopes (v2 and v1), per interaction and per entry of a transaction; deny by default. */
class ScopeEnforcementIT extends SecuredServerIT {

    private static final String OBSERVATION = "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{"
            + "\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\"}]},\"subject\":{\"reference\":"
            + "\"Patient/108\"},\"effectiveDateTime\":\"2026-01-02\",\"valueQuantity\":{\"value\":70,\"unit\":"
            + "\"/min\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"/min\"}}";

    @BeforeEach
    void patients() {
        hospitalsWithPatients();
    }

    @Test
    void readAndSearchScopeDoesNotAllowWrites() {
        String token = tokens.userToken("north-therapist", "openid user/*.rs");

        assertThat(get("/fhir/north/Observation?patient=108", token).statusCode())
                .isEqualTo(200);
        HttpResponse<String> write = send("POST", "/fhir/north/Observation", token, OBSERVATION);
        assertThat(write.statusCode()).isEqualTo(403);
        assertThat(write.body()).contains("OperationOutcome");
    }

    @Test
    void v2CrudsScopeAllowsWrites() {
        String token = tokens.userToken("north-therapist", "openid user/*.cruds");

        assertThat(send("POST", "/fhir/north/Observation", token, OBSERVATION).statusCode())
                .isEqualTo(201);
    }

    @Test
    void v1WriteScopeAllowsWritesAndV1ReadScopeReads() {
        String token = tokens.userToken("north-therapist", "openid user/Observation.write user/Patient.read");

        assertThat(send("POST", "/fhir/north/Observation", token, OBSERVATION).statusCode())
                .isEqualTo(201);
        assertThat(get("/fhir/north/Patient/108", token).statusCode()).isEqualTo(200);
        assertThat(get("/fhir/north/Condition?patient=108", token).statusCode()).isEqualTo(403);
    }

    @Test
    void typeScopeReachesOnlyThatType() {
        String token = tokens.userToken("north-therapist", "openid user/Patient.rs");

        assertThat(get("/fhir/north/Patient/108", token).statusCode()).isEqualTo(200);
        assertThat(get("/fhir/north/Observation?patient=108", token).statusCode())
                .isEqualTo(403);
    }

    @Test
    void readWithoutSearchPermissionCannotSearch() {
        String token = tokens.clientSecretToken("south-ehr", SOUTH_EHR_SECRET, "system/Patient.r");

        assertThat(get("/fhir/south/Patient/s-1", token).statusCode()).isEqualTo(200);
        assertThat(get("/fhir/south/Patient?name=Southey", token).statusCode()).isEqualTo(403);
    }

    @Test
    void transactionIsCheckedEntryByEntry() {
        String token = tokens.userToken("north-therapist", "openid user/Observation.cruds user/Patient.rs");
        String allowed = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":" + OBSERVATION
                + ",\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}]}";
        String patientWrite = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
                + OBSERVATION + ",\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}},{\"resource\":{"
                + "\"resourceType\":\"Patient\",\"id\":\"108\",\"gender\":\"other\"},\"request\":{\"method\":\"PUT\","
                + "\"url\":\"Patient/108\"}}]}";

        assertThat(send("POST", "/fhir/north", token, allowed).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = send("POST", "/fhir/north", token, patientWrite);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(get("/fhir/north/Patient/108", token).body()).doesNotContain("\"gender\":\"other\"");
    }

    @Test
    void patientReachesOnlyTheirOwnCompartment() {
        String token = tokens.userToken("patient-108", "openid launch/patient patient/*.rs");

        assertThat(get("/fhir/north/Patient/108", token).statusCode()).isEqualTo(200);
        assertThat(get("/fhir/north/Patient/105", token).statusCode()).isEqualTo(403);
        HttpResponse<String> observations = get("/fhir/north/Observation", token);
        assertThat(observations.statusCode()).isEqualTo(200);
        assertThat(observations.body()).contains("Patient/108").doesNotContain("Patient/105");
        assertThat(get("/fhir/north/Observation?patient=105", token).statusCode())
                .isEqualTo(403);
    }

    @Test
    void patientWithUserScopesIsStillConfinedToTheirRecord() {
        String token = tokens.userToken("patient-108", "openid user/*.rs");

        assertThat(get("/fhir/north/Patient/105", token).statusCode()).isEqualTo(403);
        assertThat(get("/fhir/north/Patient/108", token).statusCode()).isEqualTo(200);
    }

    @Test
    void evaluateNeedsCreateRightsOnServiceRequest() {
        String readOnly = tokens.userToken("north-therapist", "openid user/*.rs");
        String withCreate = tokens.userToken("north-therapist", "openid user/*.rs user/ServiceRequest.c");

        assertThat(send("POST", "/fhir/north/Patient/105/$evaluate", readOnly, null)
                        .statusCode())
                .isEqualTo(403);
        HttpResponse<String> evaluated = send("POST", "/fhir/north/Patient/105/$evaluate", withCreate, null);
        assertThat(evaluated.statusCode()).isEqualTo(200);
        assertThat(evaluated.body()).contains("Weight Management");
    }

    @Test
    void onlyThePlatformManagesTenantsAndReloadsRulesWhileAdministratorsReadThem() {
        String therapist = tokens.userToken("north-therapist", "openid user/*.cruds");
        String admin = tokens.userToken("north-admin", "openid user/*.cruds");
        String platform = tokens.userToken("platform-admin", "openid");

        for (String token : new String[] {therapist, admin}) {
            assertThat(send("POST", "/fhir/DEFAULT/$partition-management-list-partitions", token, null)
                            .statusCode())
                    .isEqualTo(403);
            assertThat(send("POST", "/fhir/DEFAULT/$reload-rules", token, null).statusCode())
                    .isEqualTo(403);
        }
        assertThat(get("/fhir/DEFAULT/$rules", therapist).statusCode()).isEqualTo(403);
        assertThat(get("/fhir/DEFAULT/$rules", admin).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/fhir/DEFAULT/$partition-management-list-partitions", platform, null)
                        .statusCode())
                .isEqualTo(200);
        assertThat(get("/fhir/north/Patient", platform).statusCode())
                .as("the platform reads no hospital's data")
                .isEqualTo(403);
    }

    @Test
    void onlyAHospitalsAdministratorsEvaluateItsPopulation() {
        String therapist = tokens.userToken("north-therapist", "openid user/*.cruds");
        String patient = tokens.userToken("patient-108", "openid launch/patient patient/*.cruds");
        String admin = tokens.userToken("north-admin", "openid user/*.cruds");
        String otherAdmin = tokens.userToken("south-admin", "openid user/*.cruds");

        assertThat(evaluatePopulation("north", therapist).statusCode()).isEqualTo(403);
        assertThat(evaluatePopulation("north", patient).statusCode()).isEqualTo(403);
        assertThat(evaluatePopulation("north", otherAdmin).statusCode()).isEqualTo(403);
        HttpResponse<String> started = evaluatePopulation("north", admin);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String status = started.headers().firstValue("Content-Location").orElseThrow();
        String statusPath = status.substring(status.indexOf("/fhir/"));

        assertThat(get(statusPath, therapist).statusCode()).isEqualTo(403);
        assertThat(get(statusPath, otherAdmin).statusCode()).isEqualTo(403);
        assertThat(send("DELETE", statusPath, therapist, null).statusCode()).isEqualTo(403);
        assertThat(get(statusPath, admin).statusCode()).isIn(200, 202);
        assertThat(send("DELETE", statusPath, admin, null).statusCode())
                .as("cancelled, or already done")
                .isIn(202, 409);
    }

    private HttpResponse<String> evaluatePopulation(String tenant, String token) {
        return exchange(
                request("/fhir/" + tenant + "/Patient/$evaluate")
                        .header("Authorization", "Bearer " + token)
                        .header("Prefer", "respond-async")
                        .header("Content-Type", "application/fhir+json")
                        .header("Accept", "application/fhir+json")
                        .POST(
                                HttpRequest.BodyPublishers.ofString(
                                        "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"dryRun\",\"valueBoolean\":true}]}")));
    }

    @Test
    void everyCallerReadsTheSharedCatalog() {
        String patient = tokens.userToken("patient-108", "openid launch/patient patient/*.rs");

        HttpResponse<String> catalog = get("/fhir/north/ActivityDefinition", patient);
        assertThat(catalog.statusCode()).isEqualTo(200);
        assertThat(catalog.body()).contains("Physical Therapy");
    }
}
