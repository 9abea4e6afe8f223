package org.rehab.bulkexport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.SecuredServerIT;
import org.rehab.testsupport.TestClients;

/**
 * Bulk Data $export with SMART Backend Services: a hospital's EHR back end with {@code system/*.rs} exports what its
 * token reads in its hospital, and the export's status and files answer that client alone: not another hospital's
 * client, not another client of the same hospital, not its therapists.
 */
class BulkExportAccessIT extends SecuredServerIT {

    private static final Pattern IDS = Pattern.compile("\"fullUrl\":\"[^\"]*/fhir/north/(\\w+/[^\"/]+)\"");

    private String northEhr;

    @BeforeEach
    void hospitals() {
        hospitalsWithPatients();
        northEhr = northEhr("system/*.rs");
    }

    @Test
    void aBackEndExportsWhatItsTokenReadsInItsHospital() {
        BulkDataClient north = new BulkDataClient(port, northEhr);

        JsonNode manifest = north.awaitManifest(north.start("/fhir/north/$export?_type=Patient,Observation"));

        assertThat(manifest.get("output").findValuesAsText("url"))
                .allMatch(url -> url.startsWith("http://localhost:" + port + "/fhir/north/Binary/"));
        List<String> searched = new ArrayList<>();
        for (String type : List.of("Patient", "Observation")) {
            Matcher ids = IDS.matcher(everyPage("/fhir/north/" + type + "?_count=100", northEhr));
            while (ids.find()) {
                searched.add(ids.group(1));
            }
        }
        assertThat(searched).contains("Patient/102", "Patient/105", "Patient/108");
        assertThat(north.resources(manifest)).containsExactlyInAnyOrderElementsOf(searched);
    }

    @Test
    void anExportLeavesTheAuditTrailOutAsSearchesDo() {
        BulkDataClient north = new BulkDataClient(port, northEhr);
        get("/fhir/north/Patient/102", northEhr); // audited

        JsonNode manifest = north.awaitManifest(north.start("/fhir/north/$export"));

        assertThat(manifest.get("output").findValuesAsText("type"))
                .contains("Patient")
                .doesNotContain("AuditEvent");
    }

    @Test
    void anotherHospitalsClientNeitherPollsNorDownloadsAnExport() {
        BulkDataClient north = new BulkDataClient(port, northEhr);
        String status = north.start("/fhir/north/$export?_type=Patient");
        String file = firstFile(north.awaitManifest(status));
        BulkDataClient south = new BulkDataClient(port, southEhr("system/*.rs"));

        assertRefused(south.get(status, "application/json"), 403, "not for hospital north");
        assertRefused(south.get(inSouth(status), "application/json"), 404, "no export with this id");
        assertRefused(south.delete(status), 403, "not for hospital north");
        assertRefusedFile(south.get(file, BulkDataClient.NDJSON), "not for hospital north");
        assertThat(south.get(inSouth(file), BulkDataClient.NDJSON).statusCode()).isEqualTo(404);
        assertThat(north.get(file, BulkDataClient.NDJSON).statusCode()).isEqualTo(200);
    }

    @Test
    void anotherClientOfTheSameHospitalNeitherPollsNorDownloadsAnExport() {
        BulkDataClient north = new BulkDataClient(port, northEhr);
        String status = north.start("/fhir/north/$export?_type=Patient");
        String file = firstFile(north.awaitManifest(status));
        BulkDataClient otherBackEnd = new BulkDataClient(
                port,
                tokens.clientSecretToken(
                        "test-short-lived", TestClients.ensureShortLivedClient(keycloak), "system/*.rs"));
        BulkDataClient therapist = new BulkDataClient(port, tokens.userToken("north-therapist", "openid user/*.read"));

        assertRefused(otherBackEnd.get(status, "application/json"), 404, "no export with this id");
        assertRefusedFile(otherBackEnd.get(file, BulkDataClient.NDJSON), "Security context");
        assertRefusedFile(therapist.get(file, BulkDataClient.NDJSON), "Security context");
        assertThat(north.get(status, "application/json").statusCode()).isEqualTo(200);
    }

    @Test
    void onlyABackEndWithSystemWideReadScopesExports() {
        List<BulkDataClient> refused = List.of(
                new BulkDataClient(port, northEhr("system/Patient.rs")),
                new BulkDataClient(port, northEhr("system/*.r")),
                new BulkDataClient(port, tokens.userToken("north-therapist", "openid user/*.read")),
                new BulkDataClient(port, tokens.userToken("north-admin", "openid user/*.cruds")),
                new BulkDataClient(port, tokens.userToken("patient-108", "openid launch/patient patient/*.read")));

        for (BulkDataClient client : refused) {
            assertThat(client.kickOff("/fhir/north/$export").statusCode()).isEqualTo(403);
            assertThat(client.kickOff("/fhir/north/Patient/$export").statusCode())
                    .isEqualTo(403);
        }
        assertThat(new BulkDataClient(port, northEhr("system/*.read"))
                        .kickOff("/fhir/north/Patient/$export?_type=Patient")
                        .statusCode())
                .isEqualTo(202);
    }

    /** A file's download refused with 403 and an OperationOutcome (XML: HAPI has no NDJSON form for one). */
    private static void assertRefusedFile(HttpResponse<String> response, String explanation) {
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("OperationOutcome", explanation);
    }

    private static String firstFile(JsonNode manifest) {
        return manifest.get("output").get(0).get("url").asText();
    }

    private static String inSouth(String url) {
        return url.replace("/fhir/north/", "/fhir/south/");
    }
}
