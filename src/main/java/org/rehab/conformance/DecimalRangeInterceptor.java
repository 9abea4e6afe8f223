package org.rehab.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.DecimalType;

/**
 * Refuses (422) a resource carrying a decimal outside {@link DecimalRange} on every write path, REST, batch,
 * transaction or the server's own, before validation or indexing spends time on it.
 */
@Interceptor(order = Integer.MIN_VALUE)
public class DecimalRangeInterceptor {

    private final FhirContext fhirContext;

    public DecimalRangeInterceptor(FhirContext fhirContext) {
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
        for (DecimalType decimal :
                fhirContext.newTerser().getAllPopulatedChildElementsOfType(resource, DecimalType.class)) {
            DecimalRange.refusal(decimal.getValue()).ifPresent(why -> {
                throw new UnprocessableEntityException(resource.fhirType() + " is refused: it holds a " + why + ".");
            });
        }
    }
}
