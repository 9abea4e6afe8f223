package org.rehab.recommendation;

import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.rehab.recommendation.rules.Evidence;
import org.rehab.recommendation.rules.Recommendation;
import org.rehab.recommendation.rules.RecommendationType;

/**
 * What a recommendation looks like as a FHIR ServiceRequest (profile {@link #PROFILE}): a proposal from the
 * rule-engine Device, instantiating the catalog entry, citing its evidence, with an identifier that names the
 * patient and the recommendation.
 */
public final class RecommendationRequests {

    public static final String PROFILE = "http://rehab.example.org/fhir/StructureDefinition/rehab-recommendation";
    public static final String IDENTIFIER_SYSTEM = "http://rehab.example.org/fhir/sid/recommendation";
    public static final String RULE_ENGINE_DEVICE = "Device/rehab-rule-engine";

    private RecommendationRequests() {}

    static ServiceRequest build(Recommendation recommendation, String patientId, Date authoredOn) {
        RecommendationType type = recommendation.type();
        ServiceRequest request = new ServiceRequest();
        request.getMeta().addProfile(PROFILE);
        request.addIdentifier(identifier(patientId, type));
        request.addInstantiatesCanonical(type.canonical());
        request.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
        request.setIntent(ServiceRequest.ServiceRequestIntent.PROPOSAL);
        request.setCode(
                new CodeableConcept(new Coding(RecommendationType.SNOMED, type.snomedCode(), type.snomedDisplay()))
                        .setText(type.title()));
        request.setSubject(new Reference("Patient/" + patientId));
        request.setAuthoredOn(authoredOn);
        request.setRequester(new Reference(RULE_ENGINE_DEVICE).setDisplay("Rehabilitation rule engine"));
        request.addNote().setText("Recommended by the rule \u201c" + recommendation.rule() + "\u201d.");
        request.addReasonCode().setText(recommendation.explanation());
        for (Evidence evidence : recommendation.evidence()) {
            Reference reference = new Reference(evidence.reference()).setDisplay(evidence.display());
            // In R4 reasonReference cannot point to a Procedure: a triggering surgery is supporting information.
            if ("Procedure".equals(evidence.resourceType())) {
                request.addSupportingInfo(reference);
            } else {
                request.addReasonReference(reference);
            }
        }
        return request;
    }

    static Identifier identifier(String patientId, RecommendationType type) {
        return new Identifier().setSystem(IDENTIFIER_SYSTEM).setValue(patientId + "/" + type.key());
    }

    /** The recommendation a ServiceRequest stands for, read off its identifier; empty for any other request. */
    static Optional<RecommendationType> typeOf(ServiceRequest request) {
        return identifierValue(request)
                .map(value -> value.substring(value.lastIndexOf('/') + 1))
                .flatMap(key -> List.of(RecommendationType.values()).stream()
                        .filter(type -> type.key().equals(key))
                        .findFirst());
    }

    static String patientIdOf(ServiceRequest request) {
        return request.getSubject().getReferenceElement().getIdPart();
    }

    static boolean isActive(ServiceRequest request) {
        return request.getStatus() == ServiceRequest.ServiceRequestStatus.ACTIVE;
    }

    private static Optional<String> identifierValue(ServiceRequest request) {
        return request.getIdentifier().stream()
                .filter(identifier -> IDENTIFIER_SYSTEM.equals(identifier.getSystem()) && identifier.hasValue())
                .map(Identifier::getValue)
                .findFirst();
    }
}
