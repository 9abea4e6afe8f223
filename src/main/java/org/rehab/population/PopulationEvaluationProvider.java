package org.rehab.population;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.annotation.Description;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.rehab.population.PopulationRuns.Run;
import org.rehab.recommendation.RulesOperationProvider;
import org.rehab.recommendation.rules.RuleCompilationException;
import org.springframework.stereotype.Component;

/**
 * Population evaluation, as the FHIR asynchronous request pattern (https://hl7.org/fhir/R4/async.html) asks:
 * {@code POST /fhir/{tenant}/Patient/$evaluate} (every patient) or {@code Group/{id}/$evaluate} (its members) with
 * {@code Prefer: respond-async} answers 202 with a status URL in {@code Content-Location}; {@code GET} on it answers
 * 202 with {@code X-Progress} while the run goes on and 200 with the result when it is done; {@code DELETE} on it
 * cancels the run.
 */
@Component
public class PopulationEvaluationProvider {

    static final String STATUS = "$evaluate-status";

    private final PopulationEvaluations evaluations;
    private final FhirContext fhir;

    PopulationEvaluationProvider(PopulationEvaluations evaluations, FhirContext fhir) {
        this.evaluations = evaluations;
        this.fhir = fhir;
    }

    @Description(
            shortDefinition = "Evaluates every patient of the hospital in the background (Prefer: respond-async)",
            value = "Starts a population evaluation: each patient is evaluated as Patient/{id}/$evaluate evaluates"
                    + " one. Answers 202 with a status URL in Content-Location. One runs at a time per hospital.")
    @Operation(name = "$evaluate", type = Patient.class, idempotent = false, manualResponse = true)
    public void evaluatePopulation(
            @Description(shortDefinition = "true: say what would be recommended, writing and sending nothing")
                    @OperationParam(name = "dryRun", min = 0, max = 1, typeName = "boolean")
                    BooleanType dryRun,
            @Description(
                            shortDefinition = "A candidate rule set (a directory of rules-candidates/) to compare with"
                                    + " the rules in force, writing nothing")
                    @OperationParam(name = "candidate", min = 0, max = 1, typeName = "string")
                    StringType candidate,
            ServletRequestDetails request)
            throws IOException {
        start(request, null, dryRun, candidate);
    }

    @Description(
            shortDefinition = "Evaluates the Group's patients in the background (Prefer: respond-async)",
            value = "As Patient/$evaluate, for the Group's active members that are the hospital's patients.")
    @Operation(name = "$evaluate", type = Group.class, idempotent = false, manualResponse = true)
    public void evaluateGroup(
            @IdParam IdType group,
            @Description(shortDefinition = "true: say what would be recommended, writing and sending nothing")
                    @OperationParam(name = "dryRun", min = 0, max = 1, typeName = "boolean")
                    BooleanType dryRun,
            @Description(shortDefinition = "A candidate rule set to compare with the rules in force, writing nothing")
                    @OperationParam(name = "candidate", min = 0, max = 1, typeName = "string")
                    StringType candidate,
            ServletRequestDetails request)
            throws IOException {
        start(request, group, dryRun, candidate);
    }

    @Description(
            shortDefinition = "The status of a population evaluation; DELETE cancels it",
            value = "202 with X-Progress (patients done of the total) while it runs; 200 with the result when done;"
                    + " 404 once cancelled or for a run this hospital does not have.")
    @Operation(name = STATUS, idempotent = true, manualResponse = true, deleteEnabled = true)
    public void status(
            @OperationParam(name = "_runId", min = 0, max = 1, typeName = "string") StringType runId,
            ServletRequestDetails request)
            throws IOException {
        if (runId == null || runId.isEmpty()) {
            throw new InvalidRequestException("Which population evaluation? Give its _runId, as in the status URL"
                    + " that started it answered with");
        }
        Run run = evaluations
                .find(request.getTenantId(), runId.getValue())
                .orElseThrow(() -> new ResourceNotFoundException(
                        "This hospital has no population evaluation " + runId.getValue()));
        if (run.cancelled()) {
            throw new ResourceNotFoundException("This population evaluation was cancelled");
        }
        if (request.getRequestType() == RequestTypeEnum.DELETE) {
            if (!evaluations.cancel(run)) {
                throw new ResourceVersionConflictException("This population evaluation has ended: nothing to cancel");
            }
            write(request, HttpServletResponse.SC_ACCEPTED, information("The population evaluation is cancelled"));
            return;
        }
        run = evaluations.settle(run);
        if (run.failed()) { // the async pattern's error status: a 5XX with an OperationOutcome, in fixed words
            write(
                    request,
                    HttpServletResponse.SC_INTERNAL_SERVER_ERROR,
                    outcome(
                            OperationOutcome.IssueSeverity.ERROR,
                            OperationOutcome.IssueType.INCOMPLETE,
                            "The population evaluation failed (" + run.failure() + ") after " + evaluations.done(run)
                                    + " patient(s); start it again to evaluate the others"));
            return;
        }
        if (!run.ended()) {
            String progress = run.total() == null
                    ? "listing the patients"
                    : evaluations.done(run) + " of " + run.total() + " patients";
            request.getServletResponse().setHeader("X-Progress", progress);
            request.getServletResponse().setHeader(Constants.HEADER_RETRY_AFTER, "2");
            write(request, HttpServletResponse.SC_ACCEPTED, information("In progress: " + progress));
            return;
        }
        write(request, HttpServletResponse.SC_OK, PopulationReport.toParameters(run, evaluations.results(run)));
    }

    private void start(ServletRequestDetails request, IdType group, BooleanType dryRun, StringType candidate)
            throws IOException {
        requireParametersBody(request);
        List<String> prefer = request.getHeaders(Constants.HEADER_PREFER);
        if (prefer == null
                || prefer.stream().noneMatch(value -> RestfulServerUtils.parsePreferHeader(value)
                        .getRespondAsync())) {
            throw new InvalidRequestException("A population evaluation runs in the background: send the header"
                    + " 'Prefer: respond-async', then follow the status URL this answers with");
        }
        String base = request.getFhirServerBase();
        try {
            Run run = evaluations.start(
                    request.getTenantId(), group, dryRun(dryRun, request), candidate(candidate, request));
            request.getServletResponse().setHeader(Constants.HEADER_CONTENT_LOCATION, statusUrl(base, run));
            write(
                    request,
                    HttpServletResponse.SC_ACCEPTED,
                    information("Population evaluation started; follow its status at " + statusUrl(base, run)));
        } catch (PopulationEvaluations.AlreadyRunning running) {
            throw new ResourceVersionConflictException("A population evaluation of this hospital is running: "
                    + statusUrl(base, running.run) + " (cancel it with DELETE, or wait for it to end)");
        } catch (IllegalArgumentException noSuchCandidate) {
            throw new InvalidRequestException(noSuchCandidate.getMessage());
        } catch (RuleCompilationException notCompiled) {
            throw RulesOperationProvider.notCompiled(
                    "The candidate rules do not compile; nothing was evaluated", notCompiled);
        }
    }

    /**
     * HAPI reads an operation's parameters only from a Parameters body and ignores any other resource: a body that
     * meant something else (a Patient, say) would otherwise start a run that writes for the whole hospital.
     */
    private void requireParametersBody(ServletRequestDetails request) {
        byte[] body = request.loadRequestContents();
        if (body == null || body.length == 0) {
            return;
        }
        EncodingEnum encoding = RestfulServerUtils.determineRequestEncodingNoDefault(request);
        IBaseResource parsed = (encoding == null ? EncodingEnum.JSON : encoding)
                .newParser(fhir)
                .parseResource(new String(body, StandardCharsets.UTF_8));
        if (!(parsed instanceof Parameters)) {
            throw new InvalidRequestException("The body of a population evaluation is a Parameters resource, not a "
                    + fhir.getResourceType(parsed));
        }
    }

    /**
     * dryRun from the Parameters body, or from the query string, where HAPI does not read an operation's parameters
     * on a POST: ignoring it there would write for the whole hospital when the caller asked for a dry run.
     */
    private static boolean dryRun(BooleanType inBody, ServletRequestDetails request) {
        String[] inQuery = request.getParameters().get("dryRun");
        if (inQuery == null) {
            return inBody != null && inBody.booleanValue();
        }
        if (inQuery.length != 1 || !(inQuery[0].equals("true") || inQuery[0].equals("false"))) {
            throw new InvalidRequestException("dryRun is given once, as true or false");
        }
        boolean dryRun = Boolean.parseBoolean(inQuery[0]);
        if (inBody != null && inBody.booleanValue() != dryRun) {
            throw new InvalidRequestException("dryRun is given twice, as true and as false");
        }
        return dryRun;
    }

    /** The candidate's name, from the body or, as for dryRun, the query string. */
    private static String candidate(StringType inBody, ServletRequestDetails request) {
        String[] inQuery = request.getParameters().get("candidate");
        if (inQuery == null) {
            return inBody == null || inBody.isEmpty() ? null : inBody.getValue();
        }
        if (inQuery.length != 1 || (inBody != null && !inQuery[0].equals(inBody.getValue()))) {
            throw new InvalidRequestException("candidate is given once");
        }
        return inQuery[0];
    }

    private static String statusUrl(String base, Run run) {
        return base + "/" + STATUS + "?_runId=" + run.id();
    }

    private static OperationOutcome information(String text) {
        return outcome(OperationOutcome.IssueSeverity.INFORMATION, OperationOutcome.IssueType.INFORMATIONAL, text);
    }

    private static OperationOutcome outcome(
            OperationOutcome.IssueSeverity severity, OperationOutcome.IssueType type, String text) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(severity).setCode(type).setDiagnostics(text);
        return outcome;
    }

    private void write(ServletRequestDetails request, int status, IBaseResource body) throws IOException {
        HttpServletResponse response = request.getServletResponse();
        response.setStatus(status);
        response.setContentType(Constants.CT_FHIR_JSON_NEW);
        response.setCharacterEncoding(Constants.CHARSET_NAME_UTF8);
        fhir.newJsonParser().encodeResourceToWriter(body, response.getWriter());
        response.getWriter().close();
    }
}
