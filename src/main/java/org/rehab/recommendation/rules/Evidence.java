package org.rehab.recommendation.rules;

/**
 * A FHIR resource that a fact came from and a recommendation can cite: {@code reference} as in
 * {@code Condition/108-chronic-pain}, {@code display} in words a therapist reads.
 */
public record Evidence(String reference, String display) {

    public String resourceType() {
        return reference.substring(0, reference.indexOf('/'));
    }
}
