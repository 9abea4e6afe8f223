package org.rehab.recommendation;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;
import org.rehab.recommendation.RecommendationSettings.ClinicalCriteria;
import org.springframework.stereotype.Component;

/**
 * Reads the part of a patient's record the rules can use, in the request's tenant, with narrow searches: the
 * chronic-pain conditions, the latest usable BMI (and the latest height and weight when a BMI must be derived),
 * and the completed surgeries of the window with the encounters and practitioner roles they reference.
 */
@Component
class PatientRecordReader {

    private final DaoRegistry daos;

    PatientRecordReader(DaoRegistry daos) {
        this.daos = daos;
    }

    /** @throws ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException if the tenant has no such patient */
    PatientRecord read(RequestDetails request, IdType patientId, ClinicalCriteria criteria, LocalDate today) {
        Patient patient = daos.getResourceDao(Patient.class).read(patientId.toUnqualifiedVersionless(), request);
        ReferenceParam subject =
                new ReferenceParam("Patient/" + patient.getIdElement().getIdPart());

        List<Condition> conditions = daos.getResourceDao(Condition.class)
                .searchForResources(
                        SearchParameterMap.newSynchronous("patient", subject)
                                .add("code", tokens(criteria.chronicPainCodes())),
                        request);

        List<Observation> observations = new ArrayList<>();
        Optional<Observation> bmi = latest(request, subject, DerivedBmi.BMI_LOINC);
        bmi.ifPresent(observations::add);
        if (bmi.isEmpty() || bmi.get().hasDerivedFrom()) {
            latest(request, subject, ClinicalFactsBuilder.HEIGHT_LOINC).ifPresent(observations::add);
            latest(request, subject, ClinicalFactsBuilder.WEIGHT_LOINC).ifPresent(observations::add);
        }

        List<Procedure> procedures = new ArrayList<>();
        Map<String, Resource> referenced = new HashMap<>();
        SearchParameterMap surgeries = SearchParameterMap.newSynchronous("patient", subject)
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
        for (IBaseResource resource :
                daos.getResourceDao(Procedure.class).search(surgeries, request).getAllResources()) {
            if (resource instanceof Procedure procedure) {
                procedures.add(procedure);
            } else {
                Resource included = (Resource) resource;
                referenced.put(
                        included.fhirType() + "/" + included.getIdElement().getIdPart(), included);
            }
        }
        return new PatientRecord(patient, conditions, observations, procedures, referenced);
    }

    /** The most recent usable observation with a LOINC code: one row, however long the patient's history. */
    private Optional<Observation> latest(RequestDetails request, ReferenceParam subject, String loincCode) {
        SearchParameterMap latest = SearchParameterMap.newSynchronous("patient", subject)
                .add("code", new TokenParam(ClinicalFactsBuilder.LOINC, loincCode))
                .add("status", new TokenOrListParam(null, "final", "amended", "corrected"));
        latest.setSort(new SortSpec("date", SortOrderEnum.DESC));
        latest.setCount(1);
        return daos.getResourceDao(Observation.class).searchForResources(latest, request).stream()
                .findFirst();
    }

    private static TokenOrListParam tokens(Set<String> systemAndCodes) {
        TokenOrListParam tokens = new TokenOrListParam();
        for (String systemAndCode : systemAndCodes) {
            int bar = systemAndCode.indexOf('|');
            tokens.addOr(new TokenParam(systemAndCode.substring(0, bar), systemAndCode.substring(bar + 1)));
        }
        return tokens;
    }
}
