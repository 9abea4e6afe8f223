package org.rehab.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.IInterceptorBroadcaster;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.rest.server.interceptor.ValidationResultEnrichingInterceptor;
import ca.uhn.fhir.rest.server.util.CompositeInterceptorBroadcaster;
import ca.uhn.fhir.util.ExtensionUtil;
import ca.uhn.fhir.util.OperationOutcomeUtil;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.IValidatorModule;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;

/**
 * Every write, on every path (REST, batch, transaction, the server's own), is validated against the base
 * specification and the profiles it declares, and refused with 422 Unprocessable Entity when validation finds an
 * error ({@link ValidationPolicyInterceptor} decides what counts as one). Not validated: StructureDefinitions
 * (validating a profile itself needs the FHIR core package from the internet, which a hospital network may not reach;
 * a profile is checked when resources are validated against it), AuditEvents (written by the server alone),
 * HAPI's placeholder resources, and what the server builds itself ({@link #writesServerBuiltResources}).
 *
 * <p>A batch or transaction is first validated as one bundle. Building the validator costs more than validating a
 * typical resource (it reads the OID registry and prepares the definitions each time), and an EHR's patient export
 * holds hundreds of resources. An entry that the bundle's validation finds no error in is then stored without being
 * validated again (a bundle is validated in parts of 200 entries, references between them are not
 * checked by either path), as long as what is stored is exactly what was validated; every other entry, and every
 * entry with a modifierExtension, is validated on its own as it is stored, so that its own errors refuse it.
 */
@Interceptor
public class ProfileValidatingInterceptor {

    private static final String VALIDATED_IN_BUNDLE = ProfileValidatingInterceptor.class.getName() + ".validated";
    private static final String SERVER_BUILT = ProfileValidatingInterceptor.class.getName() + ".serverBuilt";
    /** Bundles are validated in parts of this many entries, so that a patient's whole life is not held twice. */
    private static final int ENTRIES_PER_VALIDATION = 200;

    private static final Set<String> NOT_VALIDATED = Set.of("StructureDefinition", "AuditEvent");
    private static final String PLACEHOLDER = "http://hapifhir.io/fhir/StructureDefinition/resource-placeholder";

    private final FhirContext fhirContext;
    private final IValidatorModule validator;
    private final IInterceptorBroadcaster broadcaster;

    public ProfileValidatingInterceptor(
            FhirContext fhirContext, IValidatorModule validator, IInterceptorBroadcaster broadcaster) {
        this.fhirContext = fhirContext;
        this.validator = validator;
        this.broadcaster = broadcaster;
    }

    /**
     * Marks the server's own request as writing resources that the server built itself (the rule module's
     * recommendations, their Provenance, a derived BMI): they are not validated as they are stored. Its tests
     * validate what it builds as a client's write is validated; validating each one again had been half the cost of a
     * first evaluation.
     */
    public static void writesServerBuiltResources(SystemRequestDetails request, boolean serverBuilt) {
        if (serverBuilt) {
            request.getUserData().put(SERVER_BUILT, Boolean.TRUE);
        } else {
            request.getUserData().remove(SERVER_BUILT);
        }
    }

    private static boolean serverBuilt(RequestDetails request) {
        return request instanceof SystemRequestDetails
                && Boolean.TRUE.equals(request.getUserData().get(SERVER_BUILT));
    }

    @Hook(Pointcut.STORAGE_TRANSACTION_PROCESSING)
    public void validateBundle(IBaseBundle bundle, RequestDetails request) {
        if (request == null || !(bundle instanceof Bundle received) || serverBuilt(request)) {
            return;
        }
        Map<IBaseResource, String> validated = validatedEntries(request);
        // A batch's entries come back here one by one, each in a bundle of its own, once the whole was validated.
        // An entry with a modifierExtension is left to be validated alone, where ValidationPolicyInterceptor
        // reads it.
        List<BundleEntryComponent> entries = received.getEntry().stream()
                .filter(entry -> entry.getResource() != null
                        && validatable(entry.getResource())
                        && !alreadyValidated(validated, entry.getResource())
                        && ValidationPolicyInterceptor.modifierExtensionUrls(fhirContext, entry.getResource())
                                .isEmpty())
                .toList();
        for (int first = 0; first < entries.size(); first += ENTRIES_PER_VALIDATION) {
            Bundle part = new Bundle().setType(received.getType());
            part.getEntry().addAll(entries.subList(first, Math.min(first + ENTRIES_PER_VALIDATION, entries.size())));
            ValidationResult result = validate(request, part);
            for (int i = 0; i < part.getEntry().size(); i++) {
                IBaseResource resource = part.getEntry().get(i).getResource();
                if (noErrorIn(result, "Bundle.entry[" + i + "]")) {
                    validated.put(resource, fingerprint(resource));
                }
            }
        }
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void create(RequestDetails request, IBaseResource resource) {
        check(request, resource);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void update(RequestDetails request, IBaseResource previous, IBaseResource resource) {
        check(request, resource);
    }

    private void check(RequestDetails request, IBaseResource resource) {
        if (!validatable(resource) || serverBuilt(request)) {
            return;
        }
        if (request != null && alreadyValidated(validatedEntries(request), resource)) {
            return;
        }
        ValidationResult result = validate(request, resource);
        if (request != null) {
            ValidationResultEnrichingInterceptor.addValidationResultToRequestDetails(request, result);
        }
        if (result.getMessages().stream().anyMatch(ProfileValidatingInterceptor::refuses)) {
            var outcome = result.toOperationOutcome();
            throw new UnprocessableEntityException(
                    OperationOutcomeUtil.getFirstIssueDiagnostics(fhirContext, outcome), outcome);
        }
    }

    /**
     * Whether the resource is validated at all, on its own or in its bundle: the audit trail's batches of
     * AuditEvents are not (validating them had taken as much CPU as the requests they record).
     */
    private boolean validatable(IBaseResource resource) {
        return !NOT_VALIDATED.contains(fhirContext.getResourceType(resource))
                && !ExtensionUtil.hasExtension(resource, PLACEHOLDER);
    }

    private ValidationResult validate(RequestDetails request, IBaseResource resource) {
        FhirValidator fhirValidator = fhirContext.newValidator();
        fhirValidator.setInterceptorBroadcaster(
                CompositeInterceptorBroadcaster.newCompositeBroadcaster(broadcaster, request));
        fhirValidator.registerValidatorModule(validator);
        return fhirValidator.validateWithResult(resource);
    }

    private boolean alreadyValidated(Map<IBaseResource, String> validated, IBaseResource resource) {
        String validatedAs = validated.get(resource);
        return validatedAs != null && validatedAs.equals(fingerprint(resource));
    }

    /**
     * What was validated, to the byte: the resource's JSON without what the server itself sets as it stores
     * (id, version, last update, source), with its profiles in any order. HAPI rewrites an update's references and URIs to bundle entries between
     * the bundle's validation and storage, and the server may add profiles: then the content stored is not the
     * content validated, and it is validated again.
     */
    private String fingerprint(IBaseResource resource) {
        String json = fhirContext
                        .newJsonParser()
                        .setOmitResourceId(true)
                        .setDontEncodeElements(
                                Set.of("*.meta.versionId", "*.meta.lastUpdated", "*.meta.source", "*.meta.profile"))
                        .encodeResourceToString(resource)
                // HAPI sorts the profiles before storing; their order means nothing.
                + resource.getMeta().getProfile().stream()
                        .map(IPrimitiveType::getValueAsString)
                        .sorted()
                        .toList();
        return DefinitionFilesLoader.sha256(json);
    }

    private static boolean noErrorIn(ValidationResult result, String entryLocation) {
        return result.getMessages().stream()
                .filter(ProfileValidatingInterceptor::refuses)
                .map(SingleValidationMessage::getLocationString)
                .noneMatch(location -> location == null
                        || location.equals(entryLocation)
                        || location.startsWith(entryLocation + ".")
                        || !location.startsWith("Bundle.entry["));
    }

    private static boolean refuses(SingleValidationMessage message) {
        return message.getSeverity() == ResultSeverityEnum.ERROR || message.getSeverity() == ResultSeverityEnum.FATAL;
    }

    /** The entries validated in their bundle, by identity; a batch's entries are stored by several threads. */
    @SuppressWarnings("unchecked")
    private static Map<IBaseResource, String> validatedEntries(RequestDetails request) {
        synchronized (request.getUserData()) {
            return (Map<IBaseResource, String>) request.getUserData()
                    .computeIfAbsent(VALIDATED_IN_BUNDLE, key -> Collections.synchronizedMap(new IdentityHashMap<>()));
        }
    }
}
