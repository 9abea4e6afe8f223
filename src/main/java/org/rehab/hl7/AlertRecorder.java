package org.rehab.hl7;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import org.rehab.recommendation.PatientMerged;
import org.rehab.recommendation.RecommendationEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Records an HL7 v2 alert request in the outbox when a recommendation is created (NW), completed (SC) or revoked
 * or deleted (CA), and does nothing more: it listens to the event in the transaction that writes the
 * ServiceRequest, so the request commits or rolls back with it, and the delivery workers, woken once it commits,
 * build and send the messages outside that transaction. When a patient is merged into another, the merged
 * patient's alerts follow the survivor.
 */
@Component
class AlertRecorder {

    private final AlertOutbox outbox;
    private final AlertSignal signal;
    private final FhirContext fhir;
    private final Clock clock;

    AlertRecorder(AlertOutbox outbox, AlertSignal signal, FhirContext fhir, Clock clock) {
        this.outbox = outbox;
        this.signal = signal;
        this.fhir = fhir;
        this.clock = clock;
    }

    @EventListener
    void record(RecommendationEvent event) {
        outbox.recordRequest(
                AlertRequest.newControlId(),
                event.tenant(),
                event.patientId(),
                event.serviceRequestId(),
                orderControl(event),
                fhir.newJsonParser().encodeResourceToString(event.serviceRequest()),
                clock.instant().truncatedTo(ChronoUnit.MILLIS));
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    signal.signal();
                }
            });
        }
    }

    /** The merged patient's alerts on their way, and the requests for them, become the survivor's, in order. */
    @EventListener
    void follow(PatientMerged merged) {
        outbox.movePatient(merged.tenant(), merged.mergedId(), merged.survivorId());
    }

    private static OrderControl orderControl(RecommendationEvent event) {
        if (event instanceof RecommendationEvent.Closed closed) {
            return "completed".equals(closed.status()) ? OrderControl.STATUS_CHANGED : OrderControl.CANCEL;
        }
        return OrderControl.NEW;
    }
}
