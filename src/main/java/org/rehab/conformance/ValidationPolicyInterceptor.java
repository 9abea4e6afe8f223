package org.rehab.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BackboneElement;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Extension;

/**
 * What validation refuses in data from real EHRs, which carry profiles and extensions of implementation guides
 * this server may not have (US Core's race, ethnicity and birth sex; Synthea's own): a declared profile the server
 * does not have is a warning, not an error (the resource is still checked against the base specification and every
 * profile the server has); an unknown extension is accepted; but an unknown {@code modifierExtension}, which changes
 * the meaning of what it sits on, is an error (https://hl7.org/fhir/R4/extensibility.html#modifierExtension).
 */
@Interceptor
public class ValidationPolicyInterceptor {

    private final FhirContext fhirContext;
    private final IValidationSupport validationSupport;

    public ValidationPolicyInterceptor(FhirContext fhirContext, IValidationSupport validationSupport) {
        this.fhirContext = fhirContext;
        this.validationSupport = validationSupport;
    }

    @Hook(Pointcut.VALIDATION_COMPLETED)
    public ValidationResult applyPolicy(IBaseResource resource, ValidationResult result) {
        List<SingleValidationMessage> messages = new ArrayList<>(result.getMessages());
        for (SingleValidationMessage message : messages) {
            if (message.getSeverity() == ResultSeverityEnum.ERROR && unknownProfile(message)) {
                message.setSeverity(ResultSeverityEnum.WARNING);
            }
        }
        for (String url : unknownModifierExtensions(resource)) {
            SingleValidationMessage refusal = new SingleValidationMessage();
            refusal.setSeverity(ResultSeverityEnum.ERROR);
            refusal.setMessage("Unknown modifierExtension " + url + ": it changes the meaning of the element it sits"
                    + " on, and this server does not know its definition");
            messages.add(refusal);
        }
        return new ValidationResult(fhirContext, messages);
    }

    private static boolean unknownProfile(SingleValidationMessage message) {
        String id = message.getMessageId() == null ? "" : message.getMessageId().toUpperCase(Locale.ROOT);
        String text = message.getMessage() == null ? "" : message.getMessage();
        return id.startsWith("VALIDATION_VAL_PROFILE_UNKNOWN")
                || text.startsWith("Invalid profile. Failed to retrieve profile with url=")
                || (text.startsWith("Profile reference '") && text.contains("could not be found"));
    }

    private List<String> unknownModifierExtensions(IBaseResource resource) {
        if (resource == null) {
            return List.of(); // $validate of raw content: the validator itself reads its modifier extensions
        }
        List<Extension> modifiers = new ArrayList<>();
        if (resource instanceof DomainResource domain) {
            modifiers.addAll(domain.getModifierExtension());
        }
        for (BackboneElement element :
                fhirContext.newTerser().getAllPopulatedChildElementsOfType(resource, BackboneElement.class)) {
            modifiers.addAll(element.getModifierExtension());
        }
        return modifiers.stream()
                .map(Extension::getUrl)
                .filter(url -> url == null || validationSupport.fetchStructureDefinition(url) == null)
                .map(String::valueOf)
                .distinct()
                .toList();
    }
}
