package org.rehab.recommendation;

import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.rehab.recommendation.RecommendationSettings.ClinicalCriteria;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Reads the part of patients' records the rules can use, in the request's tenant, with narrow searches: the
 * chronic-pain conditions, the latest usable BMI (and the latest height and weight when a BMI must be derived),
 * and the completed surgeries of the window with the encounters and practitioner roles they reference. Several
 * patients are read with one search per kind, not one per patient; one patient is read the same way.
 */
@Component
class PatientRecordReader {

    /** The most resources of the searched type one search loads. */
    static final int MOST_PER_SEARCH = 10_000;

    private static final TokenOrListParam USABLE = new TokenOrListParam(null, "final", "amended", "corrected");

    private final DaoRegistry daos;
    private final JpaStorageSettings storage;
    private final int mostPerSearch;

    @Autowired
    PatientRecordReader(DaoRegistry daos, JpaStorageSettings storage) {
        this(daos, storage, MOST_PER_SEARCH);
    }

    /** A reader whose searches stop at {@code mostPerSearch} resources (tests try a few). */
    PatientRecordReader(DaoRegistry daos, JpaStorageSettings storage, int mostPerSearch) {
        this.daos = daos;
        this.storage = storage;
        this.mostPerSearch = mostPerSearch;
    }

    /** @throws ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException if the tenant has no such patient */
    PatientRecord read(RequestDetails request, IdType patientId, ClinicalCriteria criteria, LocalDate today) {
        Patient patient = daos.getResourceDao(Patient.class).read(patientId.toUnqualifiedVersionless(), request);
        return records(request, List.of(patient), criteria, today)
                .get(patient.getIdElement().getIdPart());
    }

    /** The records of those of these patients the tenant has, by patient id; a deleted patient has none. */
    Map<String, PatientRecord> readAll(
            RequestDetails request, Collection<String> patientIds, ClinicalCriteria criteria, LocalDate today) {
        if (patientIds.isEmpty()) {
            return Map.of();
        }
        List<Patient> patients = daos.getResourceDao(Patient.class)
                .searchForResources(
                        SearchParameterMap.newSynchronous().add("_id", new TokenOrListParam(null, ids(patientIds))),
                        request);
        return records(request, patients, criteria, today);
    }

    private Map<String, PatientRecord> records(
            RequestDetails request, List<Patient> patients, ClinicalCriteria criteria, LocalDate today) {
        Map<String, Builder> records = new LinkedHashMap<>();
        for (Patient patient : patients) {
            records.put(patient.getIdElement().getIdPart(), new Builder(patient));
        }
        if (records.isEmpty()) {
            return Map.of();
        }
        List<String> ids = List.copyOf(records.keySet());

        for (IBaseResource found :
                searchAll(request, Condition.class, ids, subjects -> SearchParameterMap.newSynchronous()
                        .add("patient", subjects)
                        .add("code", tokens(criteria.chronicPainCodes())))) {
            Condition condition = (Condition) found;
            of(records, condition.getSubject()).ifPresent(record -> record.conditions.add(condition));
        }

        Map<String, Observation> bmis = latest(request, ids, DerivedBmi.BMI_LOINC);
        List<String> withoutUsableBmi = new ArrayList<>();
        records.forEach((id, record) -> {
            Observation bmi = bmis.get(id);
            if (bmi != null) {
                record.observations.add(bmi);
            }
            if (bmi == null || bmi.hasDerivedFrom()) {
                withoutUsableBmi.add(id);
            }
        });
        if (!withoutUsableBmi.isEmpty()) { // height and weight, to derive a BMI from
            for (String code : List.of(ClinicalFactsBuilder.HEIGHT_LOINC, ClinicalFactsBuilder.WEIGHT_LOINC)) {
                latest(request, withoutUsableBmi, code).values().forEach(observation -> of(
                                records, observation.getSubject())
                        .ifPresent(record -> record.observations.add(observation)));
            }
        }

        List<Procedure> procedures = new ArrayList<>();
        Map<String, Resource> referenced = new HashMap<>();
        for (IBaseResource resource : searchAll(request, Procedure.class, ids, subjects -> {
            SearchParameterMap surgeries = SearchParameterMap.newSynchronous()
                    .add("patient", subjects)
                    .add("status", new TokenParam("completed"))
                    .add("category", tokens(Set.of(ClinicalFactsBuilder.SURGICAL_PROCEDURE)))
                    .add(
                            "date",
                            new DateParam(
                                    ParamPrefixEnum.GREATERTHAN_OR_EQUALS,
                                    today.minusDays(criteria.recentSurgeryDays() + 1L)
                                            .toString()));
            surgeries.addInclude(new Include("Procedure:encounter"));
            surgeries.addInclude(new Include("Procedure:performer"));
            return surgeries;
        })) {
            if (resource instanceof Procedure procedure) {
                procedures.add(procedure);
            } else {
                Resource included = (Resource) resource;
                referenced.put(
                        included.fhirType() + "/" + included.getIdElement().getIdPart(), included);
            }
        }
        for (Procedure procedure : procedures) {
            of(records, procedure.getSubject()).ifPresent(record -> record.procedures.add(procedure));
        }

        // the encounters and practitioner roles of all these patients' surgeries, looked up by reference
        Map<String, Resource> referencedByAny = Collections.unmodifiableMap(referenced);
        Map<String, PatientRecord> read = new LinkedHashMap<>();
        records.forEach((id, record) -> read.put(id, record.build(referencedByAny)));
        return read;
    }

    /**
     * Each patient's most recent usable observation with a LOINC code, in one search: the latest by date, and of
     * two on the same date the one recorded last.
     */
    private Map<String, Observation> latest(RequestDetails request, List<String> patientIds, String loincCode) {
        Map<String, Observation> latest = new HashMap<>();
        for (IBaseResource found : searchAll(request, Observation.class, patientIds, subjects -> {
            SearchParameterMap search = SearchParameterMap.newSynchronous()
                    .add("patient", subjects)
                    .add("code", new TokenParam(ClinicalFactsBuilder.LOINC, loincCode))
                    .add("status", USABLE);
            search.setSort(new SortSpec("date", SortOrderEnum.DESC, new SortSpec("_lastUpdated", SortOrderEnum.DESC)));
            return search;
        })) {
            Observation observation = (Observation) found;
            String patient = observation.getSubject().getReferenceElement().getIdPart();
            if (patient != null) {
                latest.putIfAbsent(patient, observation);
            }
        }
        return latest;
    }

    /**
     * Everything a search finds for these patients, given their references as its {@code patient} parameter. HAPI
     * stops a synchronous search, and its includes, at limits, silently: a search that reaches one (here
     * {@code mostPerSearch} resources of its type) is made again for
     * each half of the patients, so that no patient loses part of their record.
     */
    private List<IBaseResource> searchAll(
            RequestDetails request,
            Class<? extends IBaseResource> type,
            List<String> patientIds,
            Function<ReferenceOrListParam, SearchParameterMap> search) {
        SearchParameterMap map = search.apply(subjects(patientIds));
        map.setLoadSynchronousUpTo(mostPerSearch);
        List<IBaseResource> found =
                daos.getResourceDao(type).search(map, request).getAllResources();
        long included =
                found.stream().filter(resource -> !type.isInstance(resource)).count();
        Integer mostIncluded = storage.getMaximumIncludesToLoadPerPage();
        if (found.size() - included < mostPerSearch && (mostIncluded == null || included < mostIncluded)) {
            return found;
        }
        if (patientIds.size() == 1) {
            throw new UnprocessableEntityException("The patient's record has more than " + mostPerSearch + " "
                    + type.getSimpleName() + " resources of the kinds the rules read: it cannot be evaluated whole");
        }
        int half = patientIds.size() / 2;
        List<IBaseResource> all = new ArrayList<>(searchAll(request, type, patientIds.subList(0, half), search));
        all.addAll(searchAll(request, type, patientIds.subList(half, patientIds.size()), search));
        return all;
    }

    private static Optional<Builder> of(Map<String, Builder> records, Reference subject) {
        return Optional.ofNullable(records.get(subject.getReferenceElement().getIdPart()));
    }

    private static ReferenceOrListParam subjects(Collection<String> patientIds) {
        ReferenceOrListParam subjects = new ReferenceOrListParam();
        patientIds.forEach(id -> subjects.addOr(new ReferenceParam("Patient/" + id)));
        return subjects;
    }

    private static String[] ids(Collection<String> patientIds) {
        return patientIds.toArray(String[]::new);
    }

    private static TokenOrListParam tokens(Set<String> systemAndCodes) {
        TokenOrListParam tokens = new TokenOrListParam();
        for (String systemAndCode : systemAndCodes) {
            int bar = systemAndCode.indexOf('|');
            tokens.addOr(new TokenParam(systemAndCode.substring(0, bar), systemAndCode.substring(bar + 1)));
        }
        return tokens;
    }

    /** One patient's record while it is read. */
    private static final class Builder {
        final Patient patient;
        final List<Condition> conditions = new ArrayList<>();
        final List<Observation> observations = new ArrayList<>();
        final List<Procedure> procedures = new ArrayList<>();

        Builder(Patient patient) {
            this.patient = patient;
        }

        PatientRecord build(Map<String, Resource> referenced) {
            return new PatientRecord(patient, conditions, observations, procedures, referenced);
        }
    }
}
