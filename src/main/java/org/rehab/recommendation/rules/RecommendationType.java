package org.rehab.recommendation.rules;

import java.util.Optional;

/** The recommendations of the catalog (fhir-profiles/ActivityDefinition-*.json), by their catalog key. */
public enum RecommendationType {
    PHYSICAL_THERAPY("physical-therapy", "91251008", "Physical therapy procedure", "Physical Therapy"),
    WEIGHT_MANAGEMENT_PROGRAM(
            "weight-management-program", "718361005", "Weight management program", "Weight Management Program"),
    POST_OP_REHABILITATION_PLAN(
            "post-op-rehabilitation-plan", "52052004", "Rehabilitation therapy", "Post-Op Rehabilitation Plan");

    public static final String CATALOG_BASE = "http://rehab.example.org/fhir/ActivityDefinition/";
    public static final String SNOMED = "http://snomed.info/sct";

    private final String key;
    private final String snomedCode;
    private final String snomedDisplay;
    private final String title;

    RecommendationType(String key, String snomedCode, String snomedDisplay, String title) {
        this.key = key;
        this.snomedCode = snomedCode;
        this.snomedDisplay = snomedDisplay;
        this.title = title;
    }

    public String key() {
        return key;
    }

    public String snomedCode() {
        return snomedCode;
    }

    public String snomedDisplay() {
        return snomedDisplay;
    }

    public String title() {
        return title;
    }

    public String canonical() {
        return CATALOG_BASE + key;
    }

    /** The recommendation a ServiceRequest instantiates, by the canonical URL of its catalog entry. */
    public static Optional<RecommendationType> ofCanonical(String canonical) {
        for (RecommendationType type : values()) {
            if (type.canonical().equals(canonical)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    public static RecommendationType fromKey(String key) {
        for (RecommendationType type : values()) {
            if (type.key.equals(key)) {
                return type;
            }
        }
        throw new IllegalArgumentException("Unknown recommendation " + key);
    }
}
