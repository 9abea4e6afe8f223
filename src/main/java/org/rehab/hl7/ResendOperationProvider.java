package org.rehab.hl7;

import ca.uhn.fhir.model.api.annotation.Description;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.time.Clock;
import java.util.List;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code POST /fhir/{tenant}/Communication/{id}/$resend}: puts a parked (or still pending) HL7 alert back in the
 * queue, due now, under its control id, once a person has fixed the cause; an alert whose message could not be
 * built is built again. The Communication changes with the outbox row, in one transaction.
 */
@Component
public class ResendOperationProvider {

    private final AlertOutbox outbox;
    private final AlertCommunications communications;
    private final AlertSignal signal;
    private final Clock clock;
    private final TransactionTemplate transaction;

    ResendOperationProvider(
            AlertOutbox outbox,
            AlertCommunications communications,
            AlertSignal signal,
            Clock clock,
            PlatformTransactionManager transactions) {
        this.outbox = outbox;
        this.communications = communications;
        this.signal = signal;
        this.clock = clock;
        this.transaction = new TransactionTemplate(transactions);
    }

    @Description(shortDefinition = "Re-sends the HL7 v2 alert this Communication stands for, under the same control id")
    @Operation(name = "$resend", type = Communication.class, idempotent = false)
    public OperationOutcome resend(@IdParam IdType communication, RequestDetails request) {
        String id = communication.getIdPart();
        String tenant = request.getTenantId();
        String controlId = Alert.controlIdOf(id)
                .orElseThrow(() -> new ResourceNotFoundException("Communication/" + id + " is not an HL7 alert"));
        Alert alert = outbox.byControlId(tenant, controlId)
                .orElseThrow(() -> new ResourceNotFoundException("Communication/" + id + " is not an HL7 alert"));
        if (alert.status() == Alert.Status.DELIVERED) {
            throw new ResourceVersionConflictException("Alert " + controlId + " was delivered already");
        }
        Boolean queued = transaction.execute(status -> outbox.resend(tenant, controlId, clock.instant())
                .map(again -> {
                    communications.write(List.of(again));
                    return true;
                })
                .orElse(false));
        if (!Boolean.TRUE.equals(queued)) {
            throw new ResourceVersionConflictException("Alert " + controlId
                    + " is being sent right now, or was delivered meanwhile: try again if it is not");
        }
        signal.signal();
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                .setCode(OperationOutcome.IssueType.INFORMATIONAL)
                .setDiagnostics("Alert " + controlId + " is queued to be sent again, under the same control id");
        return outcome;
    }
}
