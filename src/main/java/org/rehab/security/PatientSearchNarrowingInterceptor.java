package org.rehab.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizedList;
import ca.uhn.fhir.rest.server.interceptor.auth.SearchNarrowingInterceptor;

/**
 * Narrows the searches of a token confined to one patient to that patient's compartment (HAPI adds the
 * {@code patient} parameter), so that {@code Observation?code=…} answers with their observations instead of a 403.
 */
public class PatientSearchNarrowingInterceptor extends SearchNarrowingInterceptor {

    @Override
    protected AuthorizedList buildAuthorizedList(RequestDetails request) {
        return Callers.current()
                .flatMap(Caller::confinedPatient)
                .map(patient -> new AuthorizedList().addCompartment("Patient/" + patient))
                .orElse(null);
    }
}
