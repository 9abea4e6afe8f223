package org.rehab.web;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import java.util.Locale;
import java.util.Set;

/**
 * Answers 415 Unsupported Media Type, with an OperationOutcome, for a request body in a media type the FHIR API
 * does not read, before anything tries to parse it: FHIR JSON or XML, JSON Patch or XML Patch, or a form (POST
 * {@code _search}). A Binary may be sent as its raw bytes of any type, as FHIR allows.
 */
@Interceptor
public class UnsupportedContentTypeInterceptor {

    private static final Set<String> READABLE = Set.of(
            "application/fhir+json",
            "application/json",
            "application/json+fhir",
            "application/fhir+xml",
            "application/xml",
            "application/xml+fhir",
            "text/xml",
            "application/json-patch+json",
            "application/xml-patch+xml",
            "application/x-www-form-urlencoded");

    private static final Set<RequestTypeEnum> WITH_BODY =
            Set.of(RequestTypeEnum.POST, RequestTypeEnum.PUT, RequestTypeEnum.PATCH);

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public void rejectUnreadableBody(RequestDetails request) {
        String contentType = request.getHeader("Content-Type");
        if (contentType == null
                || !WITH_BODY.contains(request.getRequestType())
                || "Binary".equals(request.getResourceName())) {
            return;
        }
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!READABLE.contains(mediaType)) {
            throw new UnclassifiedServerFailureException(
                    415,
                    "Content-Type " + mediaType + " is not one this server reads: send FHIR resources as"
                            + " application/fhir+json or application/fhir+xml");
        }
    }
}
