package org.rehab.audit;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditEventSink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Stores AuditEvents in the tenant of the hospital whose data was accessed (or attempted), off the request thread
 * so that auditing a read does not slow it down. The tenant is the last segment of the event's observer, the FHIR
 * base the request went to ({@code …/fhir/north}). Events still queued when the server stops are written before
 * it does.
 */
@Component
public class AuditTrail implements IBalpAuditEventSink, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);

    private final IFhirSystemDao<Bundle, Meta> systemDao;
    private final BlockingQueue<AuditEvent> queue = new LinkedBlockingQueue<>(100_000);
    private volatile Thread writer;

    private final DaoRegistry daos;

    AuditTrail(IFhirSystemDao<Bundle, Meta> systemDao, DaoRegistry daos) {
        this.systemDao = systemDao;
        this.daos = daos;
    }

    @Override
    public void recordAuditEvent(AuditEvent auditEvent) {
        if (!queue.offer(auditEvent)) {
            log.error("The audit queue is full: an AuditEvent was dropped");
        }
    }

    /** The hospital tenant an event belongs to, or null when the request was not to one. */
    static String tenantOf(AuditEvent event) {
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
        drain();
    }

    @Override
    public boolean isRunning() {
        return writer != null;
    }

    /** Waits until every event recorded so far is stored (for tests and for an orderly stop). */
    public void flush() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!queue.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        synchronized (this) {
            // The writer stores a taken event before it takes the next one under this lock.
        }
    }

    private void writeUntilStopped() {
        while (writer != null) {
            try {
                AuditEvent first = queue.poll(500, TimeUnit.MILLISECONDS);
                if (first != null) {
                    synchronized (this) {
                        List<AuditEvent> batch = new ArrayList<>(List.of(first));
                        queue.drainTo(batch, 500);
                        store(batch);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("An AuditEvent could not be stored", e);
            }
        }
    }

    private synchronized void drain() {
        List<AuditEvent> rest = new ArrayList<>();
        queue.drainTo(rest);
        store(rest);
    }

    /** One transaction per tenant for the events at hand. */
    private void store(List<AuditEvent> events) {
        Map<String, Bundle> byTenant = new LinkedHashMap<>();
        for (AuditEvent event : events) {
            String tenant = tenantOf(event);
            if (tenant != null) {
                byTenant.computeIfAbsent(tenant, t -> new Bundle().setType(Bundle.BundleType.TRANSACTION))
                        .addEntry()
                        .setResource(event)
                        .getRequest()
                        .setMethod(Bundle.HTTPVerb.POST)
                        .setUrl("AuditEvent");
            }
        }
        byTenant.forEach((tenant, bundle) -> {
            SystemRequestDetails request = new SystemRequestDetails();
            request.setTenantId(tenant);
            try {
                systemDao.transaction(request, bundle);
            } catch (RuntimeException batchFailed) {
                // One event the server cannot store must not cost the others: store them one by one.
                for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                    try {
                        daos.getResourceDao(AuditEvent.class).create((AuditEvent) entry.getResource(), request);
                    } catch (RuntimeException e) {
                        log.atError()
                                .addKeyValue("tenant", tenant)
                                .log(
                                        "An AuditEvent could not be stored: {}",
                                        e.getClass().getSimpleName());
                    }
                }
            }
        });
    }
}
