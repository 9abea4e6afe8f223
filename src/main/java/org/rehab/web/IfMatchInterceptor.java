package org.rehab.web;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import java.util.regex.Pattern;

/**
 * An {@code If-Match} that names no version (versions are numbers, sent as {@code W/"3"}) can never match: 412
 * Precondition Failed, as FHIR's version-aware updates answer, before HAPI tries to read it as a number.
 */
@Interceptor
public class IfMatchInterceptor {

    private static final Pattern VERSION_TAG = Pattern.compile("(W/)?\"\\d{1,18}\"");

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public void requireVersionTag(RequestDetails request) {
        String ifMatch = request.getHeader("If-Match");
        if (ifMatch != null && !VERSION_TAG.matcher(ifMatch.trim()).matches()) {
            throw new PreconditionFailedException("If-Match names no version of this resource: send the version"
                    + " from its ETag, as in If-Match: W/\"3\"");
        }
    }
}
