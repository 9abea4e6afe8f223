package org.rehab.recommendation;

import ca.uhn.fhir.model.api.annotation.Description;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.rest.server.provider.ProviderConstants;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.rehab.recommendation.rules.RuleCompilationException;
import org.rehab.recommendation.rules.RuleSet;
import org.springframework.stereotype.Component;

/**
 * The rules in force, shared by every hospital: {@code GET /fhir/$rules} describes them, {@code POST
 * /fhir/$reload-rules} reloads the rules directory (a file that does not compile answers 422 with its position,
 * and the rules in force stay).
 */
@Component
public class RulesOperationProvider {

    private static final String LINE = "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-line";
    private static final String COLUMN = "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-col";

    private final RuleLibrary library;

    RulesOperationProvider(RuleLibrary library) {
        this.library = library;
    }

    @Description(shortDefinition = "The rule set in force: its version and rules")
    @Operation(name = "$rules", idempotent = true)
    public Parameters rules(RequestDetails request) {
        requireSharedTenant(request);
        return describe(library.current());
    }

    @Description(
            shortDefinition =
                    "Reloads the rules directory; refused with each error's position if a file does not compile")
    @Operation(name = "$reload-rules", idempotent = false)
    public Parameters reload(RequestDetails request) {
        requireSharedTenant(request);
        try {
            return describe(library.reload());
        } catch (RuleCompilationException e) {
            throw notCompiled("The rules do not compile; the rules in force stay", e);
        }
    }

    /** A rule set that does not compile, answered with 422 and one issue per error, at its file, line and column. */
    public static UnprocessableEntityException notCompiled(String message, RuleCompilationException failure) {
        return new UnprocessableEntityException(message, outcome(failure));
    }

    private static Parameters describe(RuleSet rules) {
        Parameters parameters = new Parameters();
        parameters.addParameter("ruleSetVersion", new StringType(rules.version()));
        for (String name : rules.ruleNames()) {
            Parameters.ParametersParameterComponent rule =
                    parameters.addParameter().setName("rule");
            rule.addPart().setName("name").setValue(new StringType(name));
            rule.addPart().setName("file").setValue(new StringType(rules.fileOf(name)));
        }
        return parameters;
    }

    private static OperationOutcome outcome(RuleCompilationException failure) {
        OperationOutcome outcome = new OperationOutcome();
        for (RuleCompilationException.Problem problem : failure.problems()) {
            OperationOutcome.OperationOutcomeIssueComponent issue = outcome.addIssue()
                    .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                    .setCode(OperationOutcome.IssueType.INVALID)
                    .setDiagnostics(problem.toString());
            issue.addLocation("rules/" + problem.file() + " line " + problem.line() + ", column " + problem.column());
            issue.addExtension(LINE, new IntegerType(problem.line()));
            issue.addExtension(COLUMN, new IntegerType(problem.column()));
        }
        return outcome;
    }

    private static void requireSharedTenant(RequestDetails request) {
        if (!ProviderConstants.DEFAULT_PARTITION_NAME.equals(request.getTenantId())) {
            throw new InvalidRequestException(
                    "The rules are shared by every hospital: use /fhir/$rules and /fhir/$reload-rules");
        }
    }
}
