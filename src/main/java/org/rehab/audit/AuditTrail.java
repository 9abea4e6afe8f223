package org.rehab.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditEventSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;
import org.rehab.tenant.RegisteredTenants;
import org.rehab.tenant.RequestTenants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores AuditEvents in the tenant of the hospital whose data was accessed (or attempted); the tenant is the last
 * segment of the event's observer, the FHIR base the request went to ({@code …/fhir/north}). Each event is first
 * written to the {@link AuditJournal} on the request thread (one insert, inside the request's own transaction when
 * it writes), so the audit of an answered request survives a crash of the server. A writer thread then stores
 * journaled events as AuditEvent resources in batches, each under the id it was journaled with, so that storing one
 * again after a crash rewrites the same resource and never makes a second. While the database is out of reach, events wait in memory and are journaled when it is
 * back; an event the store refuses is parked in the journal for a person, never dropped.
 */
@Component
public class AuditTrail implements IBalpAuditEventSink, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
    private static final int BATCH = 200;
    private static final Duration CLAIM = Duration.ofSeconds(60);
    /** Parked events kept for a person to look at; beyond them the oldest go, so that the journal stays bounded. */
    private static final int MAX_PARKED = 10_000;

    private record Unjournaled(String eventId, String tenant, String event, Instant recordedAt) {}

    private final AuditJournal journal;
    private final IFhirSystemDao<Bundle, Meta> systemDao;
    private final FhirContext fhirContext;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final RegisteredTenants tenants;
    private final BlockingQueue<Unjournaled> unjournaled = new LinkedBlockingQueue<>(100_000);
    private volatile Thread writer;

    AuditTrail(
            AuditJournal journal,
            IFhirSystemDao<Bundle, Meta> systemDao,
            FhirContext fhirContext,
            PlatformTransactionManager transactions,
            Clock clock,
            RegisteredTenants tenants) {
        this.tenants = tenants;
        this.journal = journal;
        this.systemDao = systemDao;
        this.fhirContext = fhirContext;
        this.transaction = new TransactionTemplate(transactions);
        this.clock = clock;
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

    @Override
    public synchronized void start() {
        writer = new Thread(this::writeUntilStopped, "audit-trail-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public synchronized void stop() {
        Thread thread = writer;
        writer = null;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            journalWaitingEvents();
        } catch (RuntimeException e) {
            log.error("{} AuditEvents could not be journaled before the server stopped", unjournaled.size());
        }
    }

    @Override
    public boolean isRunning() {
        return writer != null;
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

    private void writeUntilStopped() {
        while (writer != null) {
            try {
                journalWaitingEvents();
                if (storeBatch() == 0) {
                    Thread.sleep(200);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn(
                        "The audit trail waits for the database: {}",
                        e.getClass().getSimpleName());
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void journalWaitingEvents() {
        for (Unjournaled event = unjournaled.peek(); event != null; event = unjournaled.peek()) {
            journal.append(event.eventId(), event.tenant(), event.event(), event.recordedAt());
            unjournaled.remove();
        }
    }

    /** Stores a batch of journaled events; answers how many it handled (0: nothing was waiting). */
    private int storeBatch() {
        Instant now = clock.instant();
        List<AuditJournal.Entry> claimed = transaction.execute(status -> journal.claim(BATCH, now, now.plus(CLAIM)));
        if (claimed == null || claimed.isEmpty()) {
            return 0;
        }
        claimed.stream()
                .collect(Collectors.groupingBy(AuditJournal.Entry::tenant))
                .forEach((tenant, entries) -> {
                    try {
                        // HAPI runs the FHIR transaction in a database transaction of its own. Should the server stop
                        // before
                        // the entries leave the journal, they are stored again later: under the same ids, the same
                        // resources.
                        store(tenant, entries);
                        transaction.executeWithoutResult(status -> journal.remove(entries));
                    } catch (RuntimeException batchFailed) {
                        entries.forEach(this::storeAlone);
                    }
                });
        return claimed.size();
    }

    /** After a batch failed: this event on its own, parked if the store refuses it. */
    private void storeAlone(AuditJournal.Entry entry) {
        try {
            store(entry.tenant(), List.of(entry));
        } catch (RuntimeException refused) {
            transaction.executeWithoutResult(status -> {
                journal.park(entry);
                journal.trimParked(MAX_PARKED);
            });
            log.atError()
                    .addKeyValue("tenant", entry.tenant())
                    .addKeyValue("journalEntry", entry.id())
                    .log(
                            "An AuditEvent could not be stored and is parked in rehab_audit_journal: {}",
                            refused.getClass().getSimpleName());
            return;
        }
        transaction.executeWithoutResult(status -> journal.remove(List.of(entry)));
    }

    private void store(String tenant, List<AuditJournal.Entry> entries) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (AuditJournal.Entry entry : entries) {
            bundle.addEntry()
                    .setResource(fhirContext.newJsonParser().parseResource(AuditEvent.class, entry.event()))
                    .getRequest()
                    .setMethod(Bundle.HTTPVerb.PUT)
                    .setUrl("AuditEvent/" + entry.eventId());
        }
        systemDao.transaction(RequestTenants.systemRequestIn(tenant), bundle);
    }
}
