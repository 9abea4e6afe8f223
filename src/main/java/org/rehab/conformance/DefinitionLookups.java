package org.rehab.conformance;

import ca.uhn.fhir.context.support.IValidationSupport;
import java.util.regex.Pattern;
import org.hl7.fhir.common.hapi.validation.support.BaseValidationSupportWrapper;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The server's definitions (the base specification, {@code fhir-profiles/}, implementation guide packages, what is
 * stored) as the validator sees them, without the questions that can never name a definition. Validating a
 * bundle, HAPI's validator asks whether each reference between its entries ({@code urn:uuid:…},
 * {@code Patient/…}, {@code Practitioner?…}) is a definition it knows, and HAPI's JPA and terminology supports
 * answer each question with database queries over every kind of definition: an ingest profile showed 12% of the
 * server's CPU in them. Definitions are named by absolute URIs; those named by a {@code urn:uuid} are not looked
 * up (a resource claiming such a profile gets the unknown-profile warning instead).
 */
final class DefinitionLookups extends BaseValidationSupportWrapper {

    private static final Pattern CANONICAL = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*:[^?]*");

    DefinitionLookups(IValidationSupport definitions) {
        super(definitions.getFhirContext(), definitions);
    }

    @Override
    public <T extends IBaseResource> T fetchResource(Class<T> type, String url) {
        return canNameADefinition(url) ? super.fetchResource(type, url) : null;
    }

    @Override
    public IBaseResource fetchStructureDefinition(String url) {
        return canNameADefinition(url) ? super.fetchStructureDefinition(url) : null;
    }

    @Override
    public IBaseResource fetchValueSet(String url) {
        return canNameADefinition(url) ? super.fetchValueSet(url) : null;
    }

    @Override
    public IBaseResource fetchCodeSystem(String url) {
        return canNameADefinition(url) ? super.fetchCodeSystem(url) : null;
    }

    static boolean canNameADefinition(String url) {
        return url != null
                && !url.contains("urn:uuid:")
                && CANONICAL.matcher(url).matches();
    }
}
