package org.rehab.recommendation;

import ca.uhn.fhir.model.api.annotation.Description;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.rehab.tenant.RequestTenants;
import org.springframework.stereotype.Component;

/** {@code POST /fhir/{tenant}/Patient/{id}/$evaluate}: what does this patient need, and why. */
@Component
public class EvaluateOperationProvider {

    private final PatientEvaluator evaluator;

    EvaluateOperationProvider(PatientEvaluator evaluator) {
        this.evaluator = evaluator;
    }

    @Description(
            shortDefinition = "Evaluates the rehabilitation rules for the patient",
            value = "Fires the rules on the patient's record and writes one ServiceRequest (intent proposal) per"
                    + " recommendation the patient does not already have, with its evidence and a Provenance naming"
                    + " the rule and the rule-set version. Returns every recommendation that applies, new or already"
                    + " active, and the active ones the rules no longer support. With dryRun=true nothing is written.")
    @Operation(
            name = "$evaluate",
            type = Patient.class,
            idempotent = false,
            returnParameters = {
                @OperationParam(name = "summary", type = org.hl7.fhir.r4.model.StringType.class, min = 1, max = 1),
                @OperationParam(
                        name = "ruleSetVersion",
                        type = org.hl7.fhir.r4.model.StringType.class,
                        min = 1,
                        max = 1),
                @OperationParam(name = "recommendation", min = 0, max = OperationParam.MAX_UNLIMITED),
                @OperationParam(name = "noLongerSupported", min = 0, max = OperationParam.MAX_UNLIMITED)
            })
    public Parameters evaluate(
            @IdParam IdType patientId,
            @Description(shortDefinition = "true: say what would be recommended, writing nothing")
                    @OperationParam(name = "dryRun", min = 0, max = 1, typeName = "boolean")
                    BooleanType dryRun,
            RequestDetails request) {
        boolean onlyDryRun = dryRun != null && dryRun.booleanValue();
        // Once the caller may run $evaluate, the rule module reads the record and writes its recommendations
        // (with their Provenance, derived BMI and Device) as the server, not within the caller's scopes.
        SystemRequestDetails asServer = RequestTenants.systemRequestIn(request.getTenantId());
        return EvaluationResponse.toParameters(evaluator.evaluate(asServer, patientId, onlyDryRun));
    }
}
