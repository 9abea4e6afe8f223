package org.rehab.recommendation;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.rehab.recommendation.RecommendationSettings.ClinicalCriteria;
import org.rehab.recommendation.rules.Recommendation;
import org.rehab.recommendation.rules.RecommendationType;
import org.rehab.recommendation.rules.RuleSet;
import org.springframework.stereotype.Component;

/**
 * Evaluates a patient: reads their record in the tenant, builds the facts with the hospital's criteria, fires the
 * rules in force, and writes the recommendations the patient does not have yet, unless a therapist already accepted
 * or declined the same recommendation on the same evidence ({@link ClosedRecommendations}). When several evaluations of one
 * patient race, the database lets one write each recommendation and the others read it back.
 *
 * <p>Facts are kept in memory by the revision of the patient's record ({@link RecordRevisions}), so that a patient
 * whose data has not changed since the last evaluation is not read again; a write on any instance changes the
 * revision.
 */
@Component
class PatientEvaluator {

    private static final int ATTEMPTS = 4;

    /** Facts of one patient at one revision of their record, on one day. */
    private record FactsKey(String tenant, String patientId, RecordRevisions.Revision revision, LocalDate today) {}

    private final Cache<FactsKey, ClinicalFacts> facts = Caffeine.newBuilder()
            .maximumSize(20_000)
            .expireAfterAccess(Duration.ofHours(1))
            .build();

    private final PatientRecordReader reader;
    private final RuleLibrary rules;
    private final ActiveRecommendations active;
    private final ClosedRecommendations closed;
    private final RecordRevisions revisions;
    private final RecommendationWriter writer;
    private final RecommendationSettings settings;
    private final DaoRegistry daos;
    private final Clock clock;

    PatientEvaluator(
            PatientRecordReader reader,
            RuleLibrary rules,
            ActiveRecommendations active,
            ClosedRecommendations closed,
            RecordRevisions revisions,
            RecommendationWriter writer,
            RecommendationSettings settings,
            DaoRegistry daos,
            Clock clock) {
        this.reader = reader;
        this.rules = rules;
        this.active = active;
        this.closed = closed;
        this.revisions = revisions;
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

        String patient = patientId.getIdPart();
        FactsKey key = new FactsKey(tenant, patient, revisions.of(tenant, patient), today);
        ClinicalFacts facts = this.facts.get(key, k -> new ClinicalFactsBuilder(criteria, today, clock.getZone())
                .build(reader.read(request, patientId, criteria, today)));
        List<Recommendation> recommendations = ruleSet.fire(facts.all());
        Map<RecommendationType, String> activeNow = active.of(tenant, patient);

        List<RecommendationType> notActive = recommendations.stream()
                .map(Recommendation::type)
                .filter(type -> !activeNow.containsKey(type))
                .toList();
        Map<RecommendationType, ServiceRequest> lastClosed = closed.latest(request, patient, notActive);
        Map<RecommendationType, ServiceRequest> decided = new EnumMap<>(RecommendationType.class);
        for (Recommendation recommendation : recommendations) {
            ServiceRequest closedRequest = lastClosed.get(recommendation.type());
            if (closedRequest != null && ClosedRecommendations.decidedOnSameEvidence(recommendation, closedRequest)) {
                decided.put(recommendation.type(), closedRequest);
            }
        }
        List<Recommendation> toWrite = recommendations.stream()
                .filter(r -> notActive.contains(r.type()) && !decided.containsKey(r.type()))
                .toList();
        Map<RecommendationType, RecommendationWriter.Written> written = dryRun || toWrite.isEmpty()
                ? Map.of()
                : writer.write(request, patient, toWrite, facts.derivedBmi().orElse(null), ruleSet, now);

        Map<String, ServiceRequest> activeRequests = readAll(request, activeNow.values());
        List<Evaluation.Recommended> recommended = new ArrayList<>();
        for (Recommendation recommendation : recommendations) {
            String activeId = activeNow.get(recommendation.type());
            ServiceRequest decision = decided.get(recommendation.type());
            if (activeId != null) {
                recommended.add(new Evaluation.Recommended(
                        recommendation, Evaluation.Status.ALREADY_ACTIVE, activeRequests.get(activeId), null));
            } else if (decision != null) {
                recommended.add(new Evaluation.Recommended(
                        recommendation, Evaluation.Status.decidedAs(decision), decision, null));
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
                .map(e -> activeRequests.get(e.getValue()))
                .toList();
        return new Evaluation(
                patient,
                ruleSet.version(),
                now,
                dryRun,
                facts.summary(),
                recommended,
                noLongerSupported,
                facts.notEligible());
    }

    /** The ServiceRequests with these ids, in one search. */
    private Map<String, ServiceRequest> readAll(RequestDetails request, Collection<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        SearchParameterMap byId =
                SearchParameterMap.newSynchronous().add("_id", new TokenOrListParam(null, ids.toArray(String[]::new)));
        return daos.getResourceDao(ServiceRequest.class).searchForResources(byId, request).stream()
                .collect(Collectors.toMap(r -> r.getIdElement().getIdPart(), r -> r));
    }
}
