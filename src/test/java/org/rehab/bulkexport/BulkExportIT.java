package org.rehab.bulkexport;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.bulk.export.api.IBulkDataExportJobSchedulingHelper;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.FhirServerIT;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Bulk Data $export of one hospital loaded with Synthea patients, while another hospital holds patients too: the
 * files hold exactly the first hospital's resources, as its database partition holds them.
 */
class BulkExportIT extends FhirServerIT {

    private static final String AUDIT_EVENT = "AuditEvent";

    private static String synthea;
    private static String other;

    @Autowired
    private JdbcTemplate jdbc;

    @Autowired
    private JpaStorageSettings storage;

    @Autowired
    private IBulkDataExportJobSchedulingHelper exportFiles;

    private BulkDataClient bulk;

    @BeforeEach
    void hospitals() {
        bulk = new BulkDataClient(port, null);
        synchronized (BulkExportIT.class) {
            if (synthea == null) {
                String tenant = createTenant("bulksynthea");
                loadSynthea(tenant);
                other = createTenant("bulkother");
                loadDemoData(other);
                synthea = tenant;
            }
        }
    }

    @Test
    void aHospitalsExportHoldsExactlyItsResources() {
        JsonNode manifest = bulk.awaitManifest(bulk.start("/fhir/" + synthea + "/$export"));

        assertThat(manifest.get("requiresAccessToken").asBoolean()).isTrue();
        assertThat(manifest.get("request").asText()).endsWith("/fhir/" + synthea + "/$export");
        List<String> exported = bulk.resources(manifest);
        assertThat(exported).doesNotHaveDuplicates();
        Set<String> stored = storedIn(synthea);
        assertThat(stored).as("Synthea's records").hasSizeGreaterThan(500);
        assertThat(withoutAuditTrail(exported))
                .as("every resource of the hospital, and no other")
                .containsExactlyInAnyOrderElementsOf(withoutAuditTrail(withoutBinaries(stored)));
        // The audit trail grows with every request, this export's included: what the export holds was there.
        assertThat(stored).containsAll(exported);
        assertThat(exported).noneMatch(storedIn(other)::contains);
    }

    @Test
    void aGroupsExportHoldsItsPatientsRecordsAndAPatientExportEveryPatients() {
        List<String> patients = patientIds(synthea);
        assertThat(patients).hasSize(2);
        Group group = new Group().setType(Group.GroupType.PERSON).setActual(true);
        group.addMember().setEntity(new Reference("Patient/" + patients.get(0)));
        String groupId =
                client(synthea).create().resource(group).execute().getId().getIdPart();

        List<String> ofGroup = bulk.resources(bulk.awaitManifest(
                bulk.start("/fhir/" + synthea + "/Group/" + groupId + "/$export?_type=Patient,Condition")));
        List<String> ofPatients = bulk.resources(
                bulk.awaitManifest(bulk.start("/fhir/" + synthea + "/Patient/$export?_type=Patient,Condition")));

        assertThat(ofGroup).filteredOn(isA("Patient")).containsExactly("Patient/" + patients.get(0));
        assertThat(ofGroup)
                .filteredOn(isA("Condition"))
                .containsExactlyInAnyOrderElementsOf(conditionsOf(synthea, patients.get(0)));
        assertThat(ofPatients)
                .filteredOn(isA("Patient"))
                .containsExactlyInAnyOrderElementsOf(
                        patients.stream().map(id -> "Patient/" + id).toList());
        assertThat(ofPatients)
                .filteredOn(isA("Condition"))
                .hasSize(conditionsOf(synthea, patients.get(0)).size()
                        + conditionsOf(synthea, patients.get(1)).size());
    }

    @Test
    void anExportIsPolledInItsOwnHospitalOnly() {
        String status = bulk.start("/fhir/" + synthea + "/$export?_type=Patient");
        String jobId = status.substring(status.indexOf("_jobId=") + "_jobId=".length());

        HttpResponse<String> elsewhere =
                bulk.get("/fhir/" + other + "/$export-poll-status?_jobId=" + jobId, "application/fhir+json");
        HttpResponse<String> unknown =
                bulk.get("/fhir/" + synthea + "/$export-poll-status?_jobId=no-such-export", "application/fhir+json");
        HttpResponse<String> withoutId = bulk.get("/fhir/" + synthea + "/$export-poll-status", "application/fhir+json");

        assertThat(elsewhere.statusCode()).isEqualTo(404);
        assertThat(elsewhere.body()).contains("OperationOutcome", "no export with this id");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(withoutId.statusCode()).isEqualTo(400);
        assertThat(withoutId.body()).contains("_jobId");
        assertThat(bulk.awaitManifest(status).get("output")).isNotEmpty();
    }

    @Test
    void aMistakenKickOffIsRefusedWithAnExplanation() {
        HttpResponse<String> synchronous = bulk.get("/fhir/" + synthea + "/$export", "application/fhir+json");
        HttpResponse<String> unknownType = bulk.kickOff("/fhir/" + synthea + "/$export?_type=Nonsense");
        HttpResponse<String> binaries = bulk.kickOff("/fhir/" + synthea + "/$export?_type=Binary");
        HttpResponse<String> format = bulk.kickOff("/fhir/" + synthea + "/$export?_outputFormat=text/csv");
        String manyCodes =
                IntStream.rangeClosed(1, 101).mapToObj(String::valueOf).collect(Collectors.joining(","));
        HttpResponse<String> costlyFilter =
                bulk.kickOff("/fhir/" + synthea + "/$export?_typeFilter=Observation%3Fcode%3D" + manyCodes);
        HttpResponse<String> notAFilter = bulk.kickOff("/fhir/" + synthea + "/$export?_typeFilter=Nonsense");

        for (HttpResponse<String> refused :
                List.of(synchronous, unknownType, binaries, format, costlyFilter, notAFilter)) {
            assertThat(refused.statusCode()).as(refused.uri().toString()).isEqualTo(400);
            assertThat(refused.body()).contains("OperationOutcome");
        }
        assertThat(synchronous.body()).contains("async");
        assertThat(unknownType.body()).contains("Nonsense");
        assertThat(costlyFilter.body()).contains("rehab.fhir.max-or-values");
        assertThat(notAFilter.body()).contains("_typeFilter");
    }

    @Test
    void anExportsFilesAreDeletedOnceTheyExpire() {
        String status = bulk.start("/fhir/" + synthea + "/$export?_type=Patient");
        JsonNode manifest = bulk.awaitManifest(status);
        String file = manifest.get("output").get(0).get("url").asText();
        assertThat(bulk.get(file, BulkDataClient.NDJSON).statusCode()).isEqualTo(200);

        int retention = storage.getBulkExportFileRetentionPeriodHours();
        storage.setBulkExportFileRetentionPeriodHours(0);
        try {
            exportFiles.purgeExpiredFiles();
        } finally {
            storage.setBulkExportFileRetentionPeriodHours(retention);
        }

        assertThat(bulk.get(file, BulkDataClient.NDJSON).statusCode()).isIn(404, 410);
        assertThat(bulk.get(status, "application/json").statusCode()).isEqualTo(404);
    }

    /** Every resource of a hospital, as "Type/id", from its database partition. */
    private Set<String> storedIn(String tenant) {
        return new HashSet<>(jdbc.queryForList(
                "SELECT r.res_type || '/' || r.fhir_id FROM hfj_resource r"
                        + " JOIN hfj_partition p ON r.partition_id = p.part_id"
                        + " WHERE p.part_name = ? AND r.res_deleted_at IS NULL",
                String.class,
                tenant));
    }

    private List<String> conditionsOf(String tenant, String patient) {
        return client(tenant)
                .search()
                .byUrl("Condition?subject=Patient/" + patient + "&_count=500&_elements=id")
                .returnBundle(Bundle.class)
                .execute()
                .getEntry()
                .stream()
                .map(entry -> "Condition/" + entry.getResource().getIdElement().getIdPart())
                .toList();
    }

    private static Set<String> withoutAuditTrail(java.util.Collection<String> resources) {
        return resources.stream().filter(isA(AUDIT_EVENT).negate()).collect(Collectors.toSet());
    }

    /** Binaries are never exported (the Bulk Data IG leaves them out): the hospital's are its exports' files. */
    private static Set<String> withoutBinaries(Set<String> resources) {
        return resources.stream().filter(isA("Binary").negate()).collect(Collectors.toSet());
    }

    private static Predicate<String> isA(String type) {
        return resource -> resource.startsWith(type + "/");
    }
}
