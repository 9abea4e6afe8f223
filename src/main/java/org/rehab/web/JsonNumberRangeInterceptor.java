package org.rehab.web;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Locale;
import org.rehab.conformance.DecimalRange;

/**
 * Refuses (422) a JSON body holding a number outside {@link DecimalRange} before HAPI parses it: HAPI writes a
 * decimal out digit by digit, so {@code 1e999999} would cost seconds of CPU before any later check could see it.
 * Only the numbers' text is read, which is cheap next to HAPI's own parsing.
 */
@Interceptor
public class JsonNumberRangeInterceptor {

    private final JsonFactory json = new JsonFactory();

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public void refuseOutOfRangeNumbers(RequestDetails request) {
        String contentType = request.getHeader("Content-Type");
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).contains("json")) {
            return;
        }
        try (JsonParser parser = json.createParser(request.loadRequestContents())) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                    DecimalRange.refusal(new BigDecimal(parser.getText())).ifPresent(why -> {
                        throw new UnprocessableEntityException("The body holds a " + why);
                    });
                }
            }
        } catch (StreamConstraintsException e) {
            throw new UnprocessableEntityException("The body holds a number longer than this server reads");
        } catch (IOException malformed) {
            // not JSON after all: HAPI's parser answers what is wrong with it
        }
    }
}
