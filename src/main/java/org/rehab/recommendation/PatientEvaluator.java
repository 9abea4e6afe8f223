package org.rehab.recommendation;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Date;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.rehab.recommendation.RecommendationSettings.ClinicalCriteria;
import org.rehab.recommendation.rules.Recommendation;
import org.rehab.recommendation.rules.RecommendationType;
import org.rehab.recommendation.rules.RuleSet;
import org.springframework.stereotype.Component;

/**
 * Evaluates a patient: reads their record in the tenant, builds the facts with the hospital's criteria, fires the
 * rules in force, has {@link Assessment} decide which recommendations the patient does not have yet and no therapist
 * accepted or declined on the same evidence, writes those ({@link RecommendationWriter}), and answers. When several
 * evaluations of one patient race, the database lets one write each recommendation and the others read it back.
 *
 * <p>Facts are kept in memory by the revision of the patient's record ({@link RecordRevisions}), so that a patient
 * whose data has not changed since the last evaluation is not read again; a write on any instance changes the
 * revision.
 */
@Component
public class PatientEvaluator {

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
    private final ActiveServiceRequests activeRequests;
    private final Clock clock;

    PatientEvaluator(
            PatientRecordReader reader,
            RuleLibrary rules,
            ActiveRecommendations active,
            ClosedRecommendations closed,
            RecordRevisions revisions,
            RecommendationWriter writer,
            RecommendationSettings settings,
            ActiveServiceRequests activeRequests,
            Clock clock) {
        this.reader = reader;
        this.rules = rules;
        this.active = active;
        this.closed = closed;
        this.revisions = revisions;
        this.writer = writer;
        this.settings = settings;
        this.activeRequests = activeRequests;
        this.clock = clock;
    }

    /**
     * What several patients' evaluations read first, together: the revisions of their records and their active
     * recommendations, as they were when read, moments before each evaluation (as a single evaluation's own reads
     * are). A recommendation written meanwhile by another evaluation makes the database refuse the same one again,
     * and the patient is evaluated again from fresh reads.
     */
    public static final class Prefetched {
        private final Map<String, RecordRevisions.Revision> revisions;
        private final Map<String, Map<RecommendationType, ActiveRecommendations.Active>> active;

        private Prefetched(
                Map<String, RecordRevisions.Revision> revisions,
                Map<String, Map<RecommendationType, ActiveRecommendations.Active>> active) {
            this.revisions = revisions;
            this.active = active;
        }
    }

    /** Evaluates the patient as {@code $evaluate} does, as the server in the request's tenant. */
    public Evaluation evaluate(RequestDetails request, IdType patientId, boolean dryRun) {
        return evaluate(request, patientId, dryRun, null);
    }

    /** Evaluates the patient as {@code $evaluate} does, from what {@link #prefetch} read for them. */
    public Evaluation evaluate(RequestDetails request, IdType patientId, boolean dryRun, Prefetched prefetched) {
        for (int attempt = 1; ; attempt++) {
            try {
                return evaluateOnce(request, patientId, dryRun, attempt == 1 ? prefetched : null);
            } catch (ResourceVersionConflictException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private Evaluation evaluateOnce(RequestDetails request, IdType patientId, boolean dryRun, Prefetched prefetched) {
        String tenant = request.getTenantId();
        ClinicalCriteria criteria = settings.criteriaFor(tenant);
        LocalDate today = LocalDate.now(clock);
        Date now = Date.from(clock.instant());
        RuleSet ruleSet = rules.current();

        String patient = patientId.getIdPart();
        ClinicalFacts facts = factsOf(request, patientId, criteria, today, prefetched);
        Map<RecommendationType, ActiveRecommendations.Active> activeNow =
                prefetched == null ? active.of(tenant, patient) : prefetched.active.getOrDefault(patient, Map.of());
        return assess(request, patient, facts, activeNow, ruleSet, dryRun, now);
    }

    /**
     * What the rules in force recommend for the patient now, writing nothing, from the parts of the record another
     * system sent and the tenant's record for the rest; as a dry run of {@code $evaluate} would answer.
     *
     * @throws ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException if the tenant has no such patient and
     *     the patient was not sent
     */
    public Evaluation preview(RequestDetails request, IdType patientId, SuppliedRecord supplied) {
        String tenant = request.getTenantId();
        ClinicalCriteria criteria = settings.criteriaFor(tenant);
        LocalDate today = LocalDate.now(clock);
        PatientRecord held = null;
        if (!supplied.complete()) {
            try {
                held = reader.read(request, patientId, criteria, today);
            } catch (ResourceNotFoundException | ResourceGoneException notHeld) {
                if (supplied.patient() == null) {
                    throw notHeld;
                }
            }
        }
        String patient = patientId.getIdPart();
        ClinicalFacts facts = factsFrom(supplied.over(held), criteria, today);
        return assess(
                request, patient, facts, active.of(tenant, patient), rules.current(), true, Date.from(clock.instant()));
    }

    /** The ServiceRequests of the patient's active recommendations, by recommendation. */
    public Map<RecommendationType, ServiceRequest> activeRecommendations(RequestDetails request, String patientId) {
        Map<RecommendationType, ActiveRecommendations.Active> activeNow = active.of(request.getTenantId(), patientId);
        Map<String, ServiceRequest> read = activeRequests.of(request, activeNow.values());
        Map<RecommendationType, ServiceRequest> byType = new EnumMap<>(RecommendationType.class);
        activeNow.forEach((type, activeOne) -> {
            ServiceRequest serviceRequest = read.get(activeOne.serviceRequestId());
            if (serviceRequest != null) {
                byType.put(type, serviceRequest);
            }
        });
        return byType;
    }

    /** Decides each recommendation the rules make, makes those the patient has not had, and answers. */
    private Evaluation assess(
            RequestDetails request,
            String patient,
            ClinicalFacts facts,
            Map<RecommendationType, ActiveRecommendations.Active> activeNow,
            RuleSet ruleSet,
            boolean dryRun,
            Date now) {
        List<Recommendation> recommendations = ruleSet.fire(facts.all());
        Assessment assessment = Assessment.of(
                recommendations,
                activeNow,
                closed.latest(request, patient, Assessment.notActive(recommendations, activeNow)));
        List<Recommendation> toMake = assessment.toMake();
        Map<RecommendationType, RecommendationWriter.Written> made = dryRun || toMake.isEmpty()
                ? Map.of()
                : writer.write(request, patient, toMake, facts.derivedBmi().orElse(null), ruleSet, now);
        return assessment.answer(
                patient, ruleSet.version(), facts, dryRun, now, activeRequests.of(request, activeNow.values()), made);
    }

    /**
     * What these rules (a candidate, or those in force) recommend for the patient now, writing nothing.
     *
     * @throws ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException if the tenant has no such patient
     */
    public Set<RecommendationType> wouldRecommend(
            RequestDetails request, IdType patientId, RuleSet ruleSet, Prefetched prefetched) {
        ClinicalFacts facts = factsOf(
                request, patientId, settings.criteriaFor(request.getTenantId()), LocalDate.now(clock), prefetched);
        Set<RecommendationType> types = EnumSet.noneOf(RecommendationType.class);
        ruleSet.fire(facts.all()).forEach(recommendation -> types.add(recommendation.type()));
        return types;
    }

    /**
     * Reads what evaluating these patients needs with one search per kind, not one per patient, and keeps it where
     * their evaluations find it: their facts at their records' current revision, and the ServiceRequests of their
     * active recommendations. Each evaluation still looks at the revision, so a record that changes in between is
     * read again; a patient the tenant does not have, or whose facts cannot be built, is left to their evaluation.
     */
    public Prefetched prefetch(RequestDetails request, Collection<String> patientIds) {
        String tenant = request.getTenantId();
        ClinicalCriteria criteria = settings.criteriaFor(tenant);
        LocalDate today = LocalDate.now(clock);
        Map<String, FactsKey> unknown = new HashMap<>();
        Map<String, RecordRevisions.Revision> revisionsNow = revisions.of(tenant, patientIds);
        revisionsNow.forEach((patient, revision) -> {
            FactsKey key = new FactsKey(tenant, patient, revision, today);
            if (facts.getIfPresent(key) == null) {
                unknown.put(patient, key);
            }
        });
        reader.readAll(request, unknown.keySet(), criteria, today).forEach((patient, record) -> {
            try {
                facts.put(unknown.get(patient), factsFrom(record, criteria, today));
            } catch (RuntimeException refused) {
                // this patient's evaluation reads their record alone and reports why
            }
        });
        Map<String, Map<RecommendationType, ActiveRecommendations.Active>> activeNow = active.of(tenant, patientIds);
        activeRequests.of(
                request,
                activeNow.values().stream()
                        .flatMap(ofPatient -> ofPatient.values().stream())
                        .toList());
        return new Prefetched(revisionsNow, activeNow);
    }

    private ClinicalFacts factsOf(
            RequestDetails request,
            IdType patientId,
            ClinicalCriteria criteria,
            LocalDate today,
            Prefetched prefetched) {
        String tenant = request.getTenantId();
        String patient = patientId.getIdPart();
        RecordRevisions.Revision revision = prefetched == null || !prefetched.revisions.containsKey(patient)
                ? revisions.of(tenant, patient)
                : prefetched.revisions.get(patient);
        FactsKey key = new FactsKey(tenant, patient, revision, today);
        return facts.get(key, k -> factsFrom(reader.read(request, patientId, criteria, today), criteria, today));
    }

    private ClinicalFacts factsFrom(PatientRecord record, ClinicalCriteria criteria, LocalDate today) {
        return new ClinicalFactsBuilder(criteria, today, clock.getZone()).build(record);
    }
}
