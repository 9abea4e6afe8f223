package org.rehab.conformance;

import ca.uhn.fhir.context.support.IValidationSupport;
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

    /**
     * An absolute URI (a scheme, then a colon) without a query, and not a {@code urn:uuid}. Asked for every type and
     * binding the validator meets, so scanned, not matched with a regular expression (that had been 1.5 % of an
     * ingest's CPU).
     */
    static boolean canNameADefinition(String url) {
        if (url == null || url.indexOf('?') >= 0 || url.contains("urn:uuid:")) {
            return false;
        }
        int colon = url.indexOf(':');
        if (colon < 1 || !isAsciiLetter(url.charAt(0))) {
            return false;
        }
        for (int i = 1; i < colon; i++) {
            char c = url.charAt(i);
            if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '+' && c != '.' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
