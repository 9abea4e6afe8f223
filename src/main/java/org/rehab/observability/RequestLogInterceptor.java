package org.rehab.observability;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * One structured log line per FHIR request: tenant, interaction, resource type, status and duration. A failure
 * is named by its exception type and HAPI message code, never by its message, which can quote patient data; a
 * server error also gets its stack frames.
 */
@Interceptor
public class RequestLogInterceptor {

    private static final Logger log = LoggerFactory.getLogger("org.rehab.fhir.requests");
    private static final String FAILURE = RequestLogInterceptor.class.getName() + ".failure";

    private final Set<String> knownResourceTypes;

    public RequestLogInterceptor(Set<String> knownResourceTypes) {
        this.knownResourceTypes = knownResourceTypes;
    }

    @Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
    public void rememberFailure(RequestDetails request, BaseServerResponseException failure) {
        request.getUserData().put(FAILURE, failure);
    }

    @Hook(Pointcut.SERVER_PROCESSING_COMPLETED)
    public void logCompleted(ServletRequestDetails request) {
        RequestSummary summary = RequestSummary.of(request, knownResourceTypes);
        Throwable failure = (Throwable) request.getUserData().get(FAILURE);
        Level level = summary.status() >= 500 ? Level.ERROR : summary.status() >= 400 ? Level.WARN : Level.INFO;
        var event = log.atLevel(level)
                .addKeyValue("tenant", summary.tenant())
                .addKeyValue("interaction", summary.interaction())
                .addKeyValue("resourceType", summary.resourceType())
                .addKeyValue("status", summary.status())
                .addKeyValue("durationMs", summary.millis());
        if (failure != null) {
            event = event.addKeyValue("failure", failure.getClass().getSimpleName())
                    .addKeyValue("hapiCode", RequestSummary.hapiCode(failure));
            if (summary.status() >= 500) {
                event = event.addKeyValue("stackTrace", RequestSummary.stackTraceWithoutMessages(failure));
            }
        }
        event.log(
                "{} {} {} -> {} in {} ms",
                summary.tenant(),
                summary.interaction(),
                summary.resourceType(),
                summary.status(),
                summary.millis());
    }
}
