package org.rehab.recommendation;

import ca.uhn.fhir.model.api.annotation.Description;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.provider.ProviderConstants;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.springframework.stereotype.Component;

/**
 * The clinical criteria a hospital's rules apply, {@code GET /fhir/{tenant}/$clinical-criteria}: the codes that
 * count as chronic pain, the departments admissible for post-op rehabilitation, the recent-surgery window. The
 * dashboard shows a patient's evidence by the same criteria the rules use.
 */
@Component
public class ClinicalCriteriaOperationProvider {

    private final RecommendationSettings settings;

    ClinicalCriteriaOperationProvider(RecommendationSettings settings) {
        this.settings = settings;
    }

    @Description(
            shortDefinition = "The hospital's clinical criteria: chronic-pain codes, admissible departments,"
                    + " the recent-surgery window in days")
    @Operation(name = "$clinical-criteria", idempotent = true)
    public Parameters criteria(RequestDetails request) {
        String tenant = request.getTenantId();
        if (tenant == null || ProviderConstants.DEFAULT_PARTITION_NAME.equals(tenant)) {
            throw new InvalidRequestException("The criteria are a hospital's: ask /fhir/{tenant}/$clinical-criteria");
        }
        RecommendationSettings.ClinicalCriteria criteria = settings.criteriaFor(tenant);
        Parameters parameters = new Parameters();
        criteria.chronicPainCodes().stream()
                .sorted()
                .forEach(code ->
                        parameters.addParameter().setName("chronicPainCode").setValue(coding(code)));
        criteria.admissibleDepartments().stream().sorted().forEach(code -> parameters
                .addParameter()
                .setName("admissibleDepartment")
                .setValue(coding(code)));
        parameters.addParameter().setName("recentSurgeryDays").setValue(new IntegerType(criteria.recentSurgeryDays()));
        return parameters;
    }

    /** A {@code system|code} setting as a Coding. */
    private static Coding coding(String systemAndCode) {
        int bar = systemAndCode.indexOf('|');
        return bar < 0
                ? new Coding().setCode(systemAndCode)
                : new Coding(systemAndCode.substring(0, bar), systemAndCode.substring(bar + 1), null);
    }
}
