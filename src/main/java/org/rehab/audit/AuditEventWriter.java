package org.rehab.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;
import org.rehab.tenant.RequestTenants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores journaled events as AuditEvent resources in their tenants, in batches, on a thread of its own: each under
 * the id it was journaled with, so that storing one again after a crash rewrites the same resource and never makes
 * a second. An event the store refuses is parked in the journal for a person, never dropped.
 */
@Component
class AuditEventWriter implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AuditEventWriter.class);
    private static final int BATCH = 200;
    private static final Duration CLAIM = Duration.ofSeconds(60);
    /** Parked events kept for a person to look at; beyond them the oldest go, so that the journal stays bounded. */
    private static final int MAX_PARKED = 10_000;

    private final AuditTrail trail;
    private final AuditJournal journal;
    private final IFhirSystemDao<Bundle, Meta> systemDao;
    private final FhirContext fhirContext;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private volatile Thread writer;

    AuditEventWriter(
            AuditTrail trail,
            AuditJournal journal,
            IFhirSystemDao<Bundle, Meta> systemDao,
            FhirContext fhirContext,
            PlatformTransactionManager transactions,
            Clock clock) {
        this.trail = trail;
        this.journal = journal;
        this.systemDao = systemDao;
        this.fhirContext = fhirContext;
        this.transaction = new TransactionTemplate(transactions);
        this.clock = clock;
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
            trail.journalWaitingEvents();
        } catch (RuntimeException e) {
            log.error("{} AuditEvents could not be journaled before the server stopped", trail.unjournaled());
        }
    }

    @Override
    public boolean isRunning() {
        return writer != null;
    }

    private void writeUntilStopped() {
        while (writer != null) {
            try {
                trail.journalWaitingEvents();
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
                        // HAPI runs the FHIR transaction in a database transaction of its own. Should the server
                        // stop before the entries leave the journal, they are stored again later: under the same
                        // ids, the same resources.
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
