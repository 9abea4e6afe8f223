package org.rehab.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.PrimitiveType;

/**
 * Refuses (422), on every write path (REST, batch, transaction or the server's own) and before validation or
 * indexing spends time on it, a resource holding a value that would break later reads of it: a decimal outside
 * {@link DecimalRange}, or text with a control character, which FHIR forbids in every string
 * (https://hl7.org/fhir/R4/datatypes.html#string) and XML cannot carry, so that reading the record as XML would
 * fail half-way through.
 */
@Interceptor
public class StorableValuesInterceptor {

    private static final Pattern CONTROL_CHARACTER = Pattern.compile("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F]");

    private final FhirContext fhirContext;

    public StorableValuesInterceptor(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
    }

    @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = Integer.MIN_VALUE)
    public void checkCreated(IBaseResource resource) {
        check(resource);
    }

    @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, order = Integer.MIN_VALUE)
    public void checkUpdated(IBaseResource oldResource, IBaseResource resource) {
        check(resource);
    }

    private void check(IBaseResource resource) {
        for (PrimitiveType<?> value :
                fhirContext.newTerser().getAllPopulatedChildElementsOfType(resource, PrimitiveType.class)) {
            if (value instanceof DecimalType decimal) {
                DecimalRange.refusal(decimal.getValue()).ifPresent(why -> {
                    throw new UnprocessableEntityException(
                            resource.fhirType() + " is refused: it holds a " + why + ".");
                });
            } else if (value.getValueAsString() != null
                    && CONTROL_CHARACTER.matcher(value.getValueAsString()).find()) {
                throw new UnprocessableEntityException(resource.fhirType() + " is refused: it holds text with a"
                        + " control character (below U+0020 other than tab, carriage return and line feed), which"
                        + " FHIR does not allow in strings.");
            }
        }
    }
}
