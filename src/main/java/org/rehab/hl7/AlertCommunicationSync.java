package org.rehab.hl7;

import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Meta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps each alert's Communication in step with the outbox, in batches (one FHIR transaction per tenant every
 * {@code rehab.hl7.communication-sync-interval}), so that delivery is never slowed by FHIR writes. Only the latest
 * state of an alert is written.
 */
@Component
class AlertCommunicationSync implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AlertCommunicationSync.class);
    private static final int BATCH = 200;
    private static final Duration CLAIM = Duration.ofSeconds(60);

    private final AlertOutbox outbox;
    private final IFhirSystemDao<Bundle, Meta> systemDao;
    private final Hl7Settings settings;
    private final Clock clock;
    private final TransactionTemplate transaction;
    private volatile Thread thread;

    AlertCommunicationSync(
            AlertOutbox outbox,
            IFhirSystemDao<Bundle, Meta> systemDao,
            Hl7Settings settings,
            Clock clock,
            PlatformTransactionManager transactions) {
        this.outbox = outbox;
        this.systemDao = systemDao;
        this.settings = settings;
        this.clock = clock;
        this.transaction = new TransactionTemplate(transactions);
    }

    @Override
    public synchronized void start() {
        if (thread == null) {
            thread = new Thread(this::run, "hl7-alert-communications");
            thread.setDaemon(true);
            thread.start();
        }
    }

    @Override
    public synchronized void stop() {
        if (thread != null) {
            thread.interrupt();
            thread = null;
        }
    }

    @Override
    public boolean isRunning() {
        return thread != null;
    }

    private void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                if (!syncBatch()) {
                    Thread.sleep(settings.communicationSyncInterval().toMillis());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Could not update the alerts' Communications; trying again shortly", e);
                try {
                    Thread.sleep(settings.communicationSyncInterval().toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** Writes one batch of Communications; true if the batch was full (more may be waiting). */
    boolean syncBatch() {
        Instant now = clock.instant();
        List<Alert> alerts = transaction.execute(status -> outbox.claimUnsynced(BATCH, now, now.plus(CLAIM)));
        if (alerts == null || alerts.isEmpty()) {
            return false;
        }
        Map<String, List<Alert>> byTenant = alerts.stream().collect(Collectors.groupingBy(Alert::tenant));
        byTenant.forEach((tenant, ofTenant) -> {
            try {
                // HAPI runs a FHIR transaction in a database transaction of its own. Should the server stop
                // before the next line, the Communications are written again: a PUT of the same state.
                systemDao.transaction(MllpEndpoints.request(tenant), bundle(ofTenant));
                transaction.executeWithoutResult(status -> ofTenant.forEach(outbox::synced));
            } catch (RuntimeException e) {
                transaction.executeWithoutResult(status -> ofTenant.forEach(outbox::releaseSyncClaim));
                throw e;
            }
        });
        return alerts.size() == BATCH;
    }

    private static Bundle bundle(List<Alert> alerts) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (Alert alert : alerts) {
            Communication communication = AlertCommunications.of(alert);
            bundle.addEntry()
                    .setResource(communication)
                    .getRequest()
                    .setMethod(Bundle.HTTPVerb.PUT)
                    .setUrl("Communication/" + alert.communicationId());
        }
        return bundle;
    }
}
