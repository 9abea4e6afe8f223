package org.rehab.tenant;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.entity.PartitionEntity;
import ca.uhn.fhir.jpa.partition.IPartitionLookupSvc;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.rest.server.provider.ProviderConstants;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PrimitiveType;

/**
 * A tenant's name and id never change once registered: renaming partitions would hand one hospital's data to
 * another's URL. {@code $partition-management-update-partition} may change a tenant's description only.
 */
@Interceptor
public class FixedTenantNamesInterceptor {

    private final FhirContext fhirContext;
    private final IPartitionLookupSvc partitions;

    public FixedTenantNamesInterceptor(FhirContext fhirContext, IPartitionLookupSvc partitions) {
        this.fhirContext = fhirContext;
        this.partitions = partitions;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void refuseRename(RequestDetails request) {
        if (!ProviderConstants.PARTITION_MANAGEMENT_UPDATE_PARTITION.equals(request.getOperation())) {
            return;
        }
        Parameters parameters;
        try {
            parameters = fhirContext
                    .newJsonParser()
                    .parseResource(
                            Parameters.class,
                            new String(request.loadRequestContents(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new InvalidRequestException(
                    "The body of " + request.getOperation() + " must be a FHIR" + " Parameters resource in JSON");
        }
        String id = value(parameters, ProviderConstants.PARTITION_MANAGEMENT_PARTITION_ID);
        String name = value(parameters, ProviderConstants.PARTITION_MANAGEMENT_PARTITION_NAME);
        if (id == null || name == null) {
            return; // HAPI answers what is missing
        }
        PartitionEntity existing;
        try {
            existing = partitions.getPartitionById(Integer.valueOf(id));
        } catch (NumberFormatException | ResourceNotFoundException e) {
            return;
        }
        if (!existing.getName().equals(name)) {
            throw new UnprocessableEntityException("A tenant's name and id never change once registered: tenant " + id
                    + " stays '" + existing.getName() + "'; only its description may be updated");
        }
    }

    private static String value(Parameters parameters, String name) {
        return parameters.getParameter().stream()
                .filter(parameter -> name.equals(parameter.getName()))
                .map(parameter -> parameter.getValue() instanceof PrimitiveType<?> primitive
                        ? primitive.getValueAsString()
                        : null)
                .findFirst()
                .orElse(null);
    }
}
