package org.rehab.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditEventSink;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.AuditEvent;
import org.rehab.tenant.RegisteredTenants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Records AuditEvents for the tenant of the hospital whose data was accessed (or attempted): each event is written
 * to the {@link AuditJournal} on the request thread (one insert, inside the request's own transaction when it
 * writes), so the audit of an answered request survives a crash of the server; {@link AuditEventWriter} then stores
 * it as an AuditEvent resource. While the database is out of reach, events wait in memory and are journaled when it
 * is back.
 */
@Component
public class AuditTrail implements IBalpAuditEventSink {

    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);

    private record Unjournaled(String eventId, String tenant, String event, Instant recordedAt) {}

    private final AuditJournal journal;
    private final FhirContext fhirContext;
    private final Clock clock;
    private final RegisteredTenants tenants;
    private final BlockingQueue<Unjournaled> unjournaled = new LinkedBlockingQueue<>(100_000);

    AuditTrail(AuditJournal journal, FhirContext fhirContext, Clock clock, RegisteredTenants tenants) {
        this.journal = journal;
        this.fhirContext = fhirContext;
        this.clock = clock;
        this.tenants = tenants;
    }

    /** HAPI's Basic Audit Log Patterns hand over their events without the request: its tenant is the observer's. */
    @Override
    public void recordAuditEvent(AuditEvent auditEvent) {
        record(tenantOf(auditEvent), auditEvent);
    }

    /** Records an event of a request to a hospital's tenant; none when the request reached no hospital. */
    public void record(String tenant, AuditEvent auditEvent) {
        if (tenant == null || !tenants.exists(tenant)) {
            return; // the request never reached a hospital: nothing of theirs to audit, nowhere to store it
        }
        String eventId = UUID.randomUUID().toString();
        auditEvent.setId(eventId);
        String event = fhirContext.newJsonParser().encodeResourceToString(auditEvent);
        Instant now = clock.instant();
        try {
            journal.append(eventId, tenant, event, now);
        } catch (RuntimeException databaseOutOfReach) {
            if (!unjournaled.offer(new Unjournaled(eventId, tenant, event, now))) {
                log.error("The audit trail cannot reach the database and its memory queue is full:"
                        + " an AuditEvent was dropped");
            }
        }
    }

    /** The hospital tenant a BALP event belongs to (its observer is the request's FHIR base), or null. */
    private static String tenantOf(AuditEvent event) {
        String base = event.getSource().getObserver().getDisplay();
        if (base == null) {
            return null;
        }
        String tenant = base.substring(base.lastIndexOf('/') + 1);
        return tenant.isEmpty() || "fhir".equals(tenant) ? null : tenant;
    }

    /** Journals the events that waited in memory for the database; throws while it is still out of reach. */
    void journalWaitingEvents() {
        for (Unjournaled event = unjournaled.peek(); event != null; event = unjournaled.peek()) {
            journal.append(event.eventId(), event.tenant(), event.event(), event.recordedAt());
            unjournaled.remove();
        }
    }

    /** How many events wait in memory for the database. */
    int unjournaled() {
        return unjournaled.size();
    }

    /** Waits until every event recorded so far is stored (for tests and operators). */
    public void flush() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((!unjournaled.isEmpty() || journal.waiting() > 0) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
