package org.rehab.population;

import ca.uhn.fhir.model.api.IModelJson;
import com.fasterxml.jackson.annotation.JsonProperty;

/** What a population evaluation job evaluates: a run of one tenant, all its patients or a Group's members. */
public class PopulationParameters implements IModelJson {

    @JsonProperty("runId")
    private String runId;

    @JsonProperty("tenant")
    private String tenant;

    /** The Group whose members are evaluated; absent for every patient of the tenant. */
    @JsonProperty("group")
    private String group;

    @JsonProperty("dryRun")
    private boolean dryRun;

    /** The candidate rule set a shadow run tries, by name, and the version it had when the run started. */
    @JsonProperty("candidate")
    private String candidate;

    @JsonProperty("candidateVersion")
    private String candidateVersion;

    public PopulationParameters() {}

    PopulationParameters(
            String runId, String tenant, String group, boolean dryRun, String candidate, String candidateVersion) {
        this.runId = runId;
        this.tenant = tenant;
        this.group = group;
        this.dryRun = dryRun;
        this.candidate = candidate;
        this.candidateVersion = candidateVersion;
    }

    String candidate() {
        return candidate;
    }

    String candidateVersion() {
        return candidateVersion;
    }

    String runId() {
        return runId;
    }

    String tenant() {
        return tenant;
    }

    String group() {
        return group;
    }

    boolean dryRun() {
        return dryRun;
    }
}
