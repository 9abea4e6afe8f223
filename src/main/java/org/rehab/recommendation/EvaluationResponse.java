package org.rehab.recommendation;

import java.util.List;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;

/** The answer of {@code $evaluate}: a Parameters resource a therapist's application can show as it is. */
final class EvaluationResponse {

    static final String NO_LONGER_SUPPORTED = "The rule that made this recommendation does not apply to the patient's"
            + " current data any more. It stays active until a therapist completes or revokes it.";

    private EvaluationResponse() {}

    static Parameters toParameters(Evaluation evaluation) {
        Parameters parameters = new Parameters();
        parameters.addParameter("summary", new StringType(summary(evaluation)));
        parameters.addParameter().setName("patient").setValue(new Reference("Patient/" + evaluation.patientId()));
        parameters.addParameter("ruleSetVersion", new StringType(evaluation.ruleSetVersion()));
        parameters.addParameter().setName("evaluatedAt").setValue(new DateTimeType(evaluation.evaluatedAt()));
        parameters.addParameter("dryRun", new BooleanType(evaluation.dryRun()));
        parameters.addParameter("facts", new StringType(evaluation.factsSummary()));
        evaluation.notEligible().ifPresent(why -> parameters.addParameter("notEligible", new StringType(why)));
        for (Evaluation.Recommended recommended : evaluation.recommended()) {
            Parameters.ParametersParameterComponent part =
                    parameters.addParameter().setName("recommendation");
            part.addPart().setName("status").setValue(new CodeType(recommended.status().code));
            part.addPart()
                    .setName("rule")
                    .setValue(new StringType(recommended.recommendation().rule()));
            part.addPart()
                    .setName("explanation")
                    .setValue(new StringType(recommended.recommendation().explanation()));
            if (recommended.status() == Evaluation.Status.ACCEPTED
                    || recommended.status() == Evaluation.Status.DECLINED) {
                part.addPart().setName("decision").setValue(new StringType(decision(recommended)));
            }
            part.addPart().setName("serviceRequest").setResource(recommended.serviceRequest());
            if (recommended.provenance() != null) {
                part.addPart().setName("provenance").setResource(recommended.provenance());
            }
        }
        for (ServiceRequest stale : evaluation.noLongerSupported()) {
            Parameters.ParametersParameterComponent part =
                    parameters.addParameter().setName("noLongerSupported");
            part.addPart()
                    .setName("serviceRequest")
                    .setValue(new Reference(
                                    "ServiceRequest/" + stale.getIdElement().getIdPart())
                            .setDisplay(stale.getCode().getText()));
            part.addPart().setName("explanation").setValue(new StringType(NO_LONGER_SUPPORTED));
        }
        return parameters;
    }

    private static String decision(Evaluation.Recommended recommended) {
        ServiceRequest closed = recommended.serviceRequest();
        String when = closed.getMeta().hasLastUpdated()
                ? " on " + new DateType(closed.getMeta().getLastUpdated()).getValueAsString()
                : "";
        return "A therapist " + recommended.status().code + " this recommendation" + when
                + " on the same evidence. It is proposed again only when the evidence changes.";
    }

    private static String summary(Evaluation evaluation) {
        List<Evaluation.Recommended> recommended = evaluation.recommended();
        String noLongerSupported = evaluation.noLongerSupported().isEmpty()
                ? ""
                : " " + evaluation.noLongerSupported().size()
                        + " active recommendation(s) no longer supported by the rules: "
                        + evaluation.noLongerSupported().stream()
                                .map(s -> s.getCode().getText())
                                .collect(Collectors.joining(", "))
                        + ".";
        if (evaluation.notEligible().isPresent()) {
            return "No new recommendation: " + evaluation.notEligible().get() + "." + noLongerSupported;
        }
        if (recommended.isEmpty()) {
            return "Nothing to recommend: no rule applies to this patient (" + evaluation.factsSummary() + ")."
                    + noLongerSupported;
        }
        return recommended.size() + (recommended.size() == 1 ? " recommendation: " : " recommendations: ")
                + recommended.stream()
                        .map(r -> r.recommendation().type().title() + " (" + r.status().code + ")")
                        .collect(Collectors.joining(", "))
                + "." + noLongerSupported;
    }
}
