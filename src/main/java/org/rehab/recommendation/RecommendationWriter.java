package org.rehab.recommendation;

import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.rehab.conformance.ProfileValidatingInterceptor;
import org.rehab.recommendation.rules.Evidence;
import org.rehab.recommendation.rules.Recommendation;
import org.rehab.recommendation.rules.RecommendationType;
import org.rehab.recommendation.rules.RuleSet;
import org.springframework.stereotype.Component;

/**
 * Writes new recommendations in one FHIR transaction: each ServiceRequest with the Provenance naming its rule and
 * rule-set version, the derived BMI Observation they cite, and the rule-engine Device the first time a tenant
 * needs it. {@link RecommendationLifecycleInterceptor} registers each one in the same database transaction.
 */
@Component
class RecommendationWriter {

    static final String RULES_BASE = "http://rehab.example.org/fhir/rules/";
    /** Marks a request while it writes an evaluation's results: they are not a change to evaluate again. */
    private static final String EVALUATION_WRITE = RecommendationWriter.class.getName() + ".writing";

    private final IFhirSystemDao<Bundle, Meta> systemDao;
    private final Set<String> tenantsWithDevice = ConcurrentHashMap.newKeySet();

    RecommendationWriter(IFhirSystemDao<Bundle, Meta> systemDao) {
        this.systemDao = systemDao;
    }

    /** A recommendation as written: its ServiceRequest and Provenance, with their ids. */
    record Written(ServiceRequest serviceRequest, Provenance provenance) {}

    Map<RecommendationType, Written> write(
            RequestDetails request,
            String patientId,
            List<Recommendation> recommendations,
            DerivedBmi derivedBmi,
            RuleSet rules,
            Date now) {
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        String tenant = request.getTenantId();
        if (!tenantsWithDevice.contains(tenant)) {
            put(transaction, ruleEngineDevice());
        }
        if (derivedBmi != null) {
            put(transaction, derivedBmi.toObservation());
        }
        Map<RecommendationType, Written> written = new EnumMap<>(RecommendationType.class);
        for (Recommendation recommendation : recommendations) {
            String requestUrl = "urn:uuid:" + UUID.randomUUID();
            String provenanceUrl = "urn:uuid:" + UUID.randomUUID();
            ServiceRequest serviceRequest = RecommendationRequests.build(recommendation, patientId, now);
            serviceRequest.addRelevantHistory(new Reference(provenanceUrl));
            Provenance provenance = provenance(recommendation, rules, requestUrl, now);
            post(transaction, requestUrl, serviceRequest);
            post(transaction, provenanceUrl, provenance);
            written.put(recommendation.type(), new Written(serviceRequest, provenance));
        }
        if (transaction.getEntry().isEmpty()) {
            return written;
        }
        request.getUserData().put(EVALUATION_WRITE, Boolean.TRUE);
        if (request instanceof SystemRequestDetails asServer) {
            ProfileValidatingInterceptor.writesServerBuiltResources(asServer, true);
        }
        try {
            Bundle response = systemDao.transaction(request, transaction);
            assignIds(transaction, response);
        } catch (RuntimeException e) {
            tenantsWithDevice.remove(tenant);
            throw e;
        } finally {
            request.getUserData().remove(EVALUATION_WRITE);
            if (request instanceof SystemRequestDetails asServer) {
                ProfileValidatingInterceptor.writesServerBuiltResources(asServer, false);
            }
        }
        tenantsWithDevice.add(tenant);
        written.values().forEach(w -> w.serviceRequest()
                .getRelevantHistoryFirstRep()
                .setReference("Provenance/" + w.provenance().getIdElement().getIdPart()));
        return written;
    }

    static boolean isEvaluationWrite(RequestDetails request) {
        return request != null && Boolean.TRUE.equals(request.getUserData().get(EVALUATION_WRITE));
    }

    private static Provenance provenance(Recommendation recommendation, RuleSet rules, String target, Date now) {
        Provenance provenance = new Provenance();
        provenance.addTarget(new Reference(target));
        provenance.setRecorded(now);
        provenance.setActivity(new CodeableConcept(
                new Coding("http://terminology.hl7.org/CodeSystem/v3-DataOperation", "CREATE", "create")));
        provenance
                .addAgent()
                .setType(new CodeableConcept(new Coding(
                        "http://terminology.hl7.org/CodeSystem/provenance-participant-type", "author", "Author")))
                .setWho(new Reference(RecommendationRequests.RULE_ENGINE_DEVICE));
        provenance.addPolicy(RULES_BASE + rules.fileOf(recommendation.rule()));
        provenance.addPolicy(RULES_BASE + "rule-set/" + rules.version());
        provenance.addReason().setText(recommendation.rule());
        for (Evidence evidence : recommendation.evidence()) {
            provenance
                    .addEntity()
                    .setRole(Provenance.ProvenanceEntityRole.SOURCE)
                    .setWhat(new Reference(evidence.reference()).setDisplay(evidence.display()));
        }
        return provenance;
    }

    private static Device ruleEngineDevice() {
        Device device = new Device();
        device.setId(RecommendationRequests.RULE_ENGINE_DEVICE);
        device.setStatus(Device.FHIRDeviceStatus.ACTIVE);
        device.addDeviceName().setName("Rehabilitation rule engine").setType(Device.DeviceNameType.USERFRIENDLYNAME);
        device.setType(new CodeableConcept().setText("Clinical decision support rule engine (Drools)"));
        return device;
    }

    private static void put(Bundle transaction, Resource resource) {
        transaction
                .addEntry()
                .setResource(resource)
                .getRequest()
                .setMethod(Bundle.HTTPVerb.PUT)
                .setUrl(resource.getIdElement().toUnqualifiedVersionless().getValue());
    }

    private static void post(Bundle transaction, String fullUrl, Resource resource) {
        transaction
                .addEntry()
                .setFullUrl(fullUrl)
                .setResource(resource)
                .getRequest()
                .setMethod(Bundle.HTTPVerb.POST)
                .setUrl(resource.fhirType());
    }

    /** Gives each posted resource the id and version the server assigned, from the transaction response. */
    private static void assignIds(Bundle transaction, Bundle response) {
        for (int i = 0; i < transaction.getEntry().size(); i++) {
            Bundle.BundleEntryComponent entry = transaction.getEntry().get(i);
            if (entry.getRequest().getMethod() == Bundle.HTTPVerb.POST) {
                IdType assigned =
                        new IdType(response.getEntry().get(i).getResponse().getLocation());
                entry.getResource().setId(assigned);
                entry.getResource().getMeta().setVersionId(assigned.getVersionIdPart());
            }
        }
        for (Bundle.BundleEntryComponent entry : transaction.getEntry()) {
            if (entry.getResource() instanceof Provenance provenance) {
                String target = provenance.getTargetFirstRep().getReference();
                transaction.getEntry().stream()
                        .filter(e -> target.equals(e.getFullUrl()))
                        .findFirst()
                        .ifPresent(e -> provenance
                                .getTargetFirstRep()
                                .setReference(e.getResource()
                                        .getIdElement()
                                        .toUnqualifiedVersionless()
                                        .getValue()));
            }
        }
    }
}
