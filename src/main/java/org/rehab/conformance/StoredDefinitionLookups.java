package org.rehab.conformance;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.validation.JpaValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.support.BaseValidationSupportWrapper;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The stored definitions (profiles, value sets, code systems in the database) as the validator sees them, without
 * the database queries for what can never name a stored definition. Validating a bundle, HAPI's validator asks
 * whether each reference between its entries ({@code urn:uuid:…}, {@code Patient/…}, {@code Practitioner?…}) is a
 * definition it knows, and HAPI's JPA support answers each question with queries over every kind of definition: a
 * patient export of a few hundred resources cost thousands of queries. Definitions are named by absolute URLs;
 * those named by a {@code urn:uuid} are not looked up (a resource claiming such a profile gets the unknown-profile
 * warning instead).
 */
final class StoredDefinitionLookups extends BaseValidationSupportWrapper {

    private StoredDefinitionLookups(IValidationSupport stored) {
        super(stored.getFhirContext(), stored);
    }

    /** Puts this in place of the chain's JPA support, at the same position. */
    static void install(JpaValidationSupportChain chain) {
        IValidationSupport stored = chain.myJpaValidationSupport;
        int position = chain.getValidationSupports().indexOf(stored);
        if (position < 0) {
            throw new IllegalStateException("HAPI's JPA validation support is not in the validation chain");
        }
        chain.removeValidationSupport(stored);
        chain.addValidationSupport(position, new StoredDefinitionLookups(stored));
    }

    @Override
    public <T extends IBaseResource> T fetchResource(Class<T> type, String url) {
        return canNameADefinition(url) ? super.fetchResource(type, url) : null;
    }

    @Override
    public IBaseResource fetchStructureDefinition(String url) {
        return canNameADefinition(url) ? super.fetchStructureDefinition(url) : null;
    }

    static boolean canNameADefinition(String url) {
        return url != null && url.indexOf(':') > 0 && url.indexOf('?') < 0 && !url.startsWith("urn:uuid:");
    }
}
