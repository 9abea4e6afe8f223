package org.rehab.observability;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What may be said about a FHIR request in logs and metrics: no resource ids, no search values, no message text,
 * since hospitals' ids and the values they send are patient data.
 */
record RequestSummary(String tenant, String interaction, String resourceType, int status, long millis) {

    private static final Pattern HAPI_CODE = Pattern.compile("HAPI-\\d{4}");

    static RequestSummary of(ServletRequestDetails request, Set<String> knownResourceTypes) {
        return new RequestSummary(
                request.getTenantId() == null ? "none" : request.getTenantId(),
                interaction(request),
                knownResourceTypes.contains(request.getResourceName()) ? request.getResourceName() : "none",
                request.getServletResponse().getStatus(),
                request.getRequestStopwatch().getMillis());
    }

    private static String interaction(ServletRequestDetails request) {
        RestOperationTypeEnum type = request.getRestOperationType();
        if (type == null) {
            return "unknown";
        }
        if (type == RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE
                || type == RestOperationTypeEnum.EXTENDED_OPERATION_TYPE
                || type == RestOperationTypeEnum.EXTENDED_OPERATION_SERVER) {
            return request.getOperation();
        }
        return type.getCode();
    }

    /** HAPI's message code (e.g. HAPI-0450), which identifies an error without quoting the request. */
    static String hapiCode(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                Matcher matcher = HAPI_CODE.matcher(t.getMessage());
                if (matcher.find()) {
                    return matcher.group();
                }
            }
        }
        return "none";
    }

    /** Exception types and stack frames, without messages. */
    static String stackTraceWithoutMessages(Throwable failure) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            out.append(t == failure ? "" : "Caused by: ")
                    .append(t.getClass().getName())
                    .append('\n');
            for (StackTraceElement frame : t.getStackTrace()) {
                out.append("\tat ").append(frame).append('\n');
            }
        }
        return out.toString();
    }
}
