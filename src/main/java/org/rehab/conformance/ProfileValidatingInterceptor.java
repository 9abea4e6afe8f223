package org.rehab.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.interceptor.validation.IRepositoryValidatingRule;
import ca.uhn.fhir.jpa.interceptor.validation.RepositoryValidatingInterceptor;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.util.OperationOutcomeUtil;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;

/**
 * HAPI's repository validation (every write checked against the base specification and the profiles it
 * declares), answering 422 Unprocessable Entity as FHIR asks for a resource that violates a profile, rather than
 * HAPI's 412.
 */
public class ProfileValidatingInterceptor extends RepositoryValidatingInterceptor {

    private final FhirContext fhirContext;

    public ProfileValidatingInterceptor(FhirContext fhirContext, List<IRepositoryValidatingRule> rules) {
        super(fhirContext, rules);
        this.fhirContext = fhirContext;
    }

    @Override
    protected void handleFailure(IRepositoryValidatingRule.RuleEvaluation evaluation) {
        IBaseOperationOutcome outcome = evaluation.getOperationOutcome();
        if (outcome == null) {
            throw new UnprocessableEntityException(evaluation.getFailureDescription());
        }
        String firstIssue = OperationOutcomeUtil.getFirstIssueDiagnostics(fhirContext, outcome);
        throw new UnprocessableEntityException(firstIssue, outcome);
    }
}
