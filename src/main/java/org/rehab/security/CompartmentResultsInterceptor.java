package org.rehab.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.util.FhirTerser;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.rehab.tenant.SharedDefinitions;

/**
 * A token confined to one patient's compartment sees, in {@code $everything} and {@code _include} results, only that
 * compartment and the shared catalog: what the record merely references (the practitioners, organizations and the
 * rule engine's Device) is left out, instead of the whole answer being refused because of it.
 */
@Interceptor
public class CompartmentResultsInterceptor {

    private final FhirContext fhirContext;

    public CompartmentResultsInterceptor(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
    }

    /** Runs before the authorization rules look at the same results. */
    @Hook(value = Pointcut.STORAGE_PRESHOW_RESOURCES, order = -10)
    public void leaveOutWhatIsOutsideTheCompartment(RequestDetails request, IPreResourceShowDetails details) {
        Optional<IdType> patient = confinedPatient();
        if (!(request instanceof ServletRequestDetails) || patient.isEmpty()) {
            return;
        }
        FhirTerser terser = fhirContext.newTerser();
        for (int i = 0; i < details.size(); i++) {
            IBaseResource resource = details.getResource(i);
            if (resource != null
                    && !SharedDefinitions.CATALOG_TYPES.contains(resource.fhirType())
                    && !patient.get()
                            .getValue()
                            .equals(resource.getIdElement()
                                    .toUnqualifiedVersionless()
                                    .getValue())
                    && !terser.isSourceInCompartmentForTarget("Patient", resource, patient.get())) {
                details.setResource(i, null);
            }
        }
    }

    private static Optional<IdType> confinedPatient() {
        return Callers.current().flatMap(Caller::confinedPatient).map(id -> new IdType("Patient", id));
    }
}
