package org.rehab.recommendation;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the rule module: where the rules are, and the clinical criteria a hospital may change, with the
 * defaults of the reference and per-tenant overrides ({@code rehab.recommendation.tenants.{tenant}.*}).
 */
@ConfigurationProperties("rehab.recommendation")
public record RecommendationSettings(
        @DefaultValue("rules") Path rulesDirectory,
        @DefaultValue("rules-candidates") Path candidateRulesDirectory,
        @DefaultValue("false") boolean watchRules,
        @DefaultValue("90") int recentSurgeryDays,
        @DefaultValue("http://snomed.info/sct|82423001") List<String> chronicPainCodes,
        @DefaultValue("http://snomed.info/sct|394801008") List<String> admissibleDepartments,
        @DefaultValue("false") boolean evaluateOnChange,
        @DefaultValue Map<String, TenantOverrides> tenants) {

    /** What one hospital changes; an unset value keeps the default. */
    public record TenantOverrides(
            Integer recentSurgeryDays,
            List<String> chronicPainCodes,
            List<String> admissibleDepartments,
            Boolean evaluateOnChange) {}

    /** Whether a patient of the tenant is evaluated in the background whenever their record changes. */
    public boolean evaluatesOnChange(String tenant) {
        TenantOverrides overrides = tenants.get(tenant);
        return overrides != null && overrides.evaluateOnChange() != null
                ? overrides.evaluateOnChange()
                : evaluateOnChange;
    }

    /** The criteria that apply to a tenant. */
    public ClinicalCriteria criteriaFor(String tenant) {
        TenantOverrides overrides = tenants.get(tenant);
        if (overrides == null) {
            return new ClinicalCriteria(
                    recentSurgeryDays, Set.copyOf(chronicPainCodes), Set.copyOf(admissibleDepartments));
        }
        return new ClinicalCriteria(
                overrides.recentSurgeryDays() != null ? overrides.recentSurgeryDays() : recentSurgeryDays,
                Set.copyOf(overrides.chronicPainCodes() != null ? overrides.chronicPainCodes() : chronicPainCodes),
                Set.copyOf(
                        overrides.admissibleDepartments() != null
                                ? overrides.admissibleDepartments()
                                : admissibleDepartments));
    }

    /**
     * The configurable clinical criteria: the recent-surgery window in days, and the chronic-pain codes and
     * admissible departments as {@code system|code}.
     */
    public record ClinicalCriteria(
            int recentSurgeryDays, Set<String> chronicPainCodes, Set<String> admissibleDepartments) {}
}
