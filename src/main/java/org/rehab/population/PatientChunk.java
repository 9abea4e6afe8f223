package org.rehab.population;

import ca.uhn.fhir.model.api.IModelJson;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/** A work chunk of a population evaluation: the ids of the patients it evaluates. */
public class PatientChunk implements IModelJson {

    @JsonProperty("patientIds")
    private List<String> patientIds = new ArrayList<>();

    public PatientChunk() {}

    PatientChunk(List<String> patientIds) {
        this.patientIds = new ArrayList<>(patientIds);
    }

    List<String> patientIds() {
        return patientIds;
    }
}
