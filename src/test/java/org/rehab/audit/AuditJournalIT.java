package org.rehab.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.FhirServerIT;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The audit of an answered request is in the database before the response leaves, so a crash loses none: a
 * writer that was not running when it was recorded (as after a crash) stores it, once.
 */
class AuditJournalIT extends FhirServerIT {

    @Autowired
    AuditTrail auditTrail;

    @Autowired
    AuditEventWriter writer;

    @Autowired
    AuditJournal journal;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void auditOfAnAnsweredRequestIsJournaledBeforeItIsStoredAndStoredOnce() {
        String tenant = createTenant("audit");
        String patient = uniqueId("a");
        client(tenant).update().resource(new Patient().setId(patient)).execute();
        auditTrail.flush();
        int storedBefore = auditEventsIn(tenant);

        writer.stop();
        try {
            client(tenant).read().resource(Patient.class).withId(patient).execute();

            assertThat(journaled(tenant)).isEqualTo(1);
            assertThat(auditEventsIn(tenant)).isEqualTo(storedBefore);
        } finally {
            writer.start();
        }
        auditTrail.flush();

        assertThat(journaled(tenant)).isZero();
        assertThat(auditEventsIn(tenant)).isEqualTo(storedBefore + 1);
    }

    @Test
    void auditEventTheStoreRefusesIsParkedAndTheOthersAreStored() {
        String tenant = createTenant("parked");
        String patient = uniqueId("b");
        client(tenant).update().resource(new Patient().setId(patient)).execute();
        auditTrail.flush();
        int storedBefore = auditEventsIn(tenant);

        writer.stop();
        try {
            journal.append("broken", tenant, "{\"resourceType\":\"AuditEvent\", truncated", Instant.now());
            client(tenant).read().resource(Patient.class).withId(patient).execute();
        } finally {
            writer.start();
        }
        auditTrail.flush();

        assertThat(auditEventsIn(tenant)).isEqualTo(storedBefore + 1);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM rehab_audit_journal WHERE tenant = ? AND parked", Integer.class, tenant))
                .isEqualTo(1);
    }

    @Test
    void auditEventStoredAgainAfterACrashIsStillOneResource() {
        String tenant = createTenant("again");
        String event = "{\"resourceType\":\"AuditEvent\",\"id\":\"crash-1\",\"type\":{\"code\":\"rest\"},"
                + "\"recorded\":\"2026-01-01T00:00:00Z\",\"agent\":[{\"requestor\":true}],"
                + "\"source\":{\"observer\":{\"display\":\"http://localhost:8080/fhir/" + tenant + "\"}}}";

        // As after a crash between storing the event and taking it off the journal: it is there twice.
        journal.append("crash-1", tenant, event, Instant.now());
        journal.append("crash-1", tenant, event, Instant.now());
        auditTrail.flush();

        assertThat(journaled(tenant)).isZero();
        assertThat(auditEventsIn(tenant)).isEqualTo(1);
    }

    private int journaled(String tenant) {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM rehab_audit_journal WHERE tenant = ? AND NOT parked", Integer.class, tenant);
    }

    /** AuditEvents stored in the tenant, counted in the database (a FHIR search would be audited itself). */
    private int auditEventsIn(String tenant) {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM hfj_resource r JOIN hfj_partition p ON r.partition_id = p.part_id"
                        + " WHERE p.part_name = ? AND r.res_type = 'AuditEvent'",
                Integer.class,
                tenant);
    }
}
