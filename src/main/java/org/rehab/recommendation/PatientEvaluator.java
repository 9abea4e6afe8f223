package org.rehab.recommendation;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.rehab.recommendation.RecommendationSettings.ClinicalCriteria;
import org.rehab.recommendation.rules.Recommendation;
import org.rehab.recommendation.rules.RecommendationType;
import org.rehab.recommendation.rules.RuleSet;
import org.springframework.stereotype.Component;

/**
 * Evaluates a patient: reads their record in the tenant, builds the facts with the hospital's criteria, fires the
 * rules in force, and writes the recommendations the patient does not have yet. When several evaluations of one
 * patient race, the database lets one write each recommendation and the others read it back.
 */
@Component
class PatientEvaluator {

    private static final int ATTEMPTS = 4;

    private final PatientRecordReader reader;
    private final RuleLibrary rules;
    private final ActiveRecommendations active;
    private final RecommendationWriter writer;
    private final RecommendationSettings settings;
    private final DaoRegistry daos;
    private final Clock clock;

    PatientEvaluator(
            PatientRecordReader reader,
            RuleLibrary rules,
            ActiveRecommendations active,
            RecommendationWriter writer,
            RecommendationSettings settings,
            DaoRegistry daos,
            Clock clock) {
        this.reader = reader;
        this.rules = rules;
        this.active = active;
        this.writer = writer;
        this.settings = settings;
        this.daos = daos;
        this.clock = clock;
    }

    Evaluation evaluate(RequestDetails request, IdType patientId, boolean dryRun) {
        for (int attempt = 1; ; attempt++) {
            try {
                return evaluateOnce(request, patientId, dryRun);
            } catch (ResourceVersionConflictException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private Evaluation evaluateOnce(RequestDetails request, IdType patientId, boolean dryRun) {
        String tenant = request.getTenantId();
        ClinicalCriteria criteria = settings.criteriaFor(tenant);
        LocalDate today = LocalDate.now(clock);
        Date now = Date.from(clock.instant());
        RuleSet ruleSet = rules.current();

        PatientRecord record = reader.read(request, patientId, criteria, today);
        String patient = record.patient().getIdElement().getIdPart();
        ClinicalFacts facts = new ClinicalFactsBuilder(criteria, today, clock.getZone()).build(record);
        List<Recommendation> recommendations = ruleSet.fire(facts.all());
        Map<RecommendationType, String> activeNow = active.of(tenant, patient);

        List<Recommendation> toWrite = recommendations.stream()
                .filter(r -> !activeNow.containsKey(r.type()))
                .toList();
        Map<RecommendationType, RecommendationWriter.Written> written = dryRun || toWrite.isEmpty()
                ? Map.of()
                : writer.write(request, patient, toWrite, facts.derivedBmi().orElse(null), ruleSet, now);

        List<Evaluation.Recommended> recommended = new ArrayList<>();
        for (Recommendation recommendation : recommendations) {
            String activeId = activeNow.get(recommendation.type());
            if (activeId != null) {
                recommended.add(new Evaluation.Recommended(
                        recommendation, Evaluation.Status.ALREADY_ACTIVE, read(request, activeId), null));
            } else if (dryRun) {
                recommended.add(new Evaluation.Recommended(
                        recommendation,
                        Evaluation.Status.WOULD_CREATE,
                        RecommendationRequests.build(recommendation, patient, now),
                        null));
            } else {
                RecommendationWriter.Written w = written.get(recommendation.type());
                recommended.add(new Evaluation.Recommended(
                        recommendation, Evaluation.Status.CREATED, w.serviceRequest(), w.provenance()));
            }
        }
        List<ServiceRequest> noLongerSupported = activeNow.entrySet().stream()
                .filter(e -> recommendations.stream().noneMatch(r -> r.type() == e.getKey()))
                .map(e -> read(request, e.getValue()))
                .toList();
        return new Evaluation(patient, ruleSet.version(), now, dryRun, facts.summary(), recommended, noLongerSupported);
    }

    private ServiceRequest read(RequestDetails request, String serviceRequestId) {
        return daos.getResourceDao(ServiceRequest.class).read(new IdType("ServiceRequest", serviceRequestId), request);
    }
}
