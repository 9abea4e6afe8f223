package org.rehab.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.SecuredServerIT;

/**
 * A hospital's tokens never reach another hospital's data, by any path: direct reads, searches, _include and
 * _revinclude, chains, $everything, history, batches and transactions. The refusal leaks nothing (not even whether
 * the resource exists).
 */
class CrossTenantIT extends SecuredServerIT {

    private String southTherapist;

    @BeforeEach
    void patients() {
        hospitalsWithPatients();
        southTherapist = tokens.userToken("south-therapist", "openid user/*.cruds");
    }

    @Test
    void deniesReadOfAnotherHospitalsPatient() {
        HttpResponse<String> existing = get("/fhir/north/Patient/108", southTherapist);
        HttpResponse<String> missing = get("/fhir/north/Patient/no-such-patient", southTherapist);

        assertThat(existing.statusCode()).isEqualTo(403);
        assertThat(missing.statusCode()).isEqualTo(403);
        assertThat(existing.body()).doesNotContain("Whitfield").contains("not for hospital north");
    }

    @Test
    void deniesEveryPathIntoAnotherHospital() {
        for (String path : new String[] {
            "/fhir/north/Patient?name=Whitfield",
            "/fhir/north/Observation?_include=Observation:subject",
            "/fhir/north/Patient?_revinclude=Observation:subject",
            "/fhir/north/Observation?subject.name=Whitfield",
            "/fhir/north/Patient/108/$everything",
            "/fhir/north/Patient/108/_history",
            "/fhir/north/_history",
            "/fhir/north/Observation/_history"
        }) {
            HttpResponse<String> response = get(path, southTherapist);
            assertThat(response.statusCode()).as(path).isEqualTo(403);
            assertThat(response.body()).as(path).doesNotContain("Whitfield").doesNotContain("\"id\":\"108\"");
        }
    }

    @Test
    void deniesBatchesAndTransactionsSentToAnotherHospital() {
        String batch = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"request\":{\"method\":\"GET\","
                + "\"url\":\"Patient/108\"}}]}";
        String transaction = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":{"
                + "\"resourceType\":\"Patient\",\"id\":\"108\"},\"request\":{\"method\":\"PUT\",\"url\":\"Patient/108\"}}]}";

        assertThat(send("POST", "/fhir/north", southTherapist, batch).statusCode())
                .isEqualTo(403);
        assertThat(send("POST", "/fhir/north", southTherapist, transaction).statusCode())
                .isEqualTo(403);
        String north = northEhr("system/*.rs");
        assertThat(get("/fhir/north/Patient/108", north).body()).contains("Whitfield");
    }

    @Test
    void ownHospitalSearchesSeeNothingOfAnother() {
        HttpResponse<String> own = get("/fhir/south/Observation?_include=Observation:subject", southTherapist);
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(own.body()).contains("Southey").doesNotContain("Whitfield");

        HttpResponse<String> bundle = send(
                "POST",
                "/fhir/south",
                southTherapist,
                "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"request\":{\"method\":\"GET\","
                        + "\"url\":\"Patient/108\"}},{\"request\":{\"method\":\"GET\",\"url\":\"Patient?name=Whitfield\"}}]}");
        assertThat(bundle.statusCode()).isEqualTo(200);
        assertThat(bundle.body()).doesNotContain("\"family\":\"Whitfield\"");
        assertThat(get("/fhir/south/Patient/108/$everything", southTherapist).body())
                .doesNotContain("\"family\":\"Whitfield\"");
    }

    @Test
    void deniesAnotherHospitalsEhrBackEnd() {
        String southEhr = southEhr("system/*.cruds");

        assertThat(get("/fhir/north/Patient/108", southEhr).statusCode()).isEqualTo(403);
        assertThat(send("POST", "/fhir/north/Patient/108/$evaluate", southEhr, null)
                        .statusCode())
                .isEqualTo(403);
    }
}
