package org.rehab.audit;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Table {@code rehab_audit_journal}: AuditEvents (as FHIR JSON, each with its own id) waiting to be stored. A
 * writer claims entries for a while with {@code FOR UPDATE SKIP LOCKED}, so that server instances sharing the
 * database do not store the same ones at once; a claim that runs out (its writer crashed) frees them again.
 */
@Component
class AuditJournal {

    record Entry(long id, String eventId, String tenant, String event) {}

    private final JdbcTemplate jdbc;

    AuditJournal(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void append(String eventId, String tenant, String event, Instant recordedAt) {
        jdbc.update(
                "INSERT INTO rehab_audit_journal (event_id, tenant, event, recorded_at, parked)"
                        + " VALUES (?, ?, ?, ?, FALSE)",
                eventId,
                tenant,
                event,
                Timestamp.from(recordedAt));
    }

    /** Claims the oldest waiting entries until {@code claimUntil}; call inside a transaction. */
    List<Entry> claim(int limit, Instant now, Instant claimUntil) {
        List<Entry> entries = jdbc.query(
                "SELECT id, event_id, tenant, event FROM rehab_audit_journal WHERE NOT parked"
                        + " AND (claimed_until IS NULL OR claimed_until < ?)"
                        + " ORDER BY id FETCH FIRST " + limit + " ROWS ONLY FOR UPDATE SKIP LOCKED",
                (row, n) -> new Entry(row.getLong(1), row.getString(2), row.getString(3), row.getString(4)),
                Timestamp.from(now));
        jdbc.batchUpdate(
                "UPDATE rehab_audit_journal SET claimed_until = ? WHERE id = ?",
                entries.stream()
                        .map(e -> new Object[] {Timestamp.from(claimUntil), e.id()})
                        .toList());
        return entries;
    }

    void remove(List<Entry> entries) {
        jdbc.batchUpdate(
                "DELETE FROM rehab_audit_journal WHERE id = ?",
                entries.stream().map(e -> new Object[] {e.id()}).toList());
    }

    /** Keeps the newest {@code keep} parked entries and deletes the older ones. */
    void trimParked(int keep) {
        jdbc.update("DELETE FROM rehab_audit_journal WHERE parked AND id < (SELECT MIN(id) FROM (SELECT id FROM"
                + " rehab_audit_journal WHERE parked ORDER BY id DESC FETCH FIRST " + keep + " ROWS ONLY) newest)"
                + " AND (SELECT COUNT(*) FROM rehab_audit_journal WHERE parked) > " + keep);
    }

    void park(Entry entry) {
        jdbc.update("UPDATE rehab_audit_journal SET parked = TRUE, claimed_until = NULL WHERE id = ?", entry.id());
    }

    int waiting() {
        Integer count = jdbc.queryForObject("SELECT COUNT(*) FROM rehab_audit_journal WHERE NOT parked", Integer.class);
        return count == null ? 0 : count;
    }
}
