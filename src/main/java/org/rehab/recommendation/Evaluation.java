package org.rehab.recommendation;

import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.rehab.recommendation.rules.Recommendation;

/**
 * The outcome of evaluating one patient: what the rules recommend now, each as a new, already active, already
 * accepted or declined, or (in a dry run) proposed ServiceRequest, and the active recommendations whose evidence no
 * longer holds; or why the patient gets no new recommendation at all.
 */
public record Evaluation(
        String patientId,
        String ruleSetVersion,
        Date evaluatedAt,
        boolean dryRun,
        String factsSummary,
        List<Recommended> recommended,
        List<ServiceRequest> noLongerSupported,
        Optional<String> notEligible) {

    public enum Status {
        CREATED("created"),
        ALREADY_ACTIVE("already-active"),
        WOULD_CREATE("would-create"),
        /** A therapist accepted it (the proposal is completed) on the same evidence: not proposed again. */
        ACCEPTED("accepted"),
        /** A therapist declined it (the proposal is revoked) on the same evidence: not proposed again. */
        DECLINED("declined");

        final String code;

        public String code() {
            return code;
        }

        Status(String code) {
            this.code = code;
        }

        static Status decidedAs(ServiceRequest closed) {
            return closed.getStatus() == ServiceRequest.ServiceRequestStatus.COMPLETED ? ACCEPTED : DECLINED;
        }
    }

    /** A recommendation the rules make now, with its ServiceRequest (and, when created now, its Provenance). */
    public record Recommended(
            Recommendation recommendation, Status status, ServiceRequest serviceRequest, Provenance provenance) {}
}
