package org.rehab.observability;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Set;

/** Times every FHIR request as {@code fhir.requests}, by interaction, resource type and status. */
@Interceptor
public class RequestMetricsInterceptor {

    private final MeterRegistry registry;
    private final Set<String> knownResourceTypes;

    public RequestMetricsInterceptor(MeterRegistry registry, Set<String> knownResourceTypes) {
        this.registry = registry;
        this.knownResourceTypes = knownResourceTypes;
    }

    @Hook(Pointcut.SERVER_PROCESSING_COMPLETED)
    public void recordCompleted(ServletRequestDetails request) {
        RequestSummary summary = RequestSummary.of(request, knownResourceTypes);
        Timer.builder("fhir.requests")
                .description("FHIR REST requests")
                .tag("interaction", summary.interaction())
                .tag("resourceType", summary.resourceType())
                .tag("status", Integer.toString(summary.status()))
                .publishPercentileHistogram()
                .register(registry)
                .record(Duration.ofMillis(summary.millis()));
    }
}
