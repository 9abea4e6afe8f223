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
import org.hl7.fhir.instance.model.api.IBaseHasModifierExtensions;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Element;
import org.hl7.fhir.r4.model.Resource;

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
        return modifierExtensionUrls(fhirContext, resource).stream()
                .filter(url -> url == null || validationSupport.fetchStructureDefinition(url) == null)
                .map(String::valueOf)
                .distinct()
                .toList();
    }

    /**
     * The URL of every modifierExtension in the resource: on the resource, on any element that can carry one
     * (backbone elements, Dosage and the other backbone types), and in contained resources.
     */
    static List<String> modifierExtensionUrls(FhirContext fhirContext, IBaseResource resource) {
        List<IBaseHasModifierExtensions> carriers = new ArrayList<>();
        if (resource instanceof IBaseHasModifierExtensions root) {
            carriers.add(root);
        }
        carriers.addAll(carriersIn(fhirContext, resource));
        if (resource instanceof DomainResource domain) {
            for (Resource contained : domain.getContained()) {
                if (contained instanceof IBaseHasModifierExtensions root) {
                    carriers.add(root);
                }
                carriers.addAll(carriersIn(fhirContext, contained));
            }
        }
        List<String> urls = new ArrayList<>();
        for (IBaseHasModifierExtensions carrier : carriers) {
            for (var extension : carrier.getModifierExtension()) {
                urls.add(extension.getUrl());
            }
        }
        return urls;
    }

    private static List<IBaseHasModifierExtensions> carriersIn(FhirContext fhirContext, IBaseResource resource) {
        return fhirContext.newTerser().getAllPopulatedChildElementsOfType(resource, Element.class).stream()
                .filter(IBaseHasModifierExtensions.class::isInstance)
                .map(IBaseHasModifierExtensions.class::cast)
                .toList();
    }
}
