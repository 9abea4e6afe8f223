package org.rehab.recommendation.rules;

/** A fact built from a FHIR resource, which a recommendation can cite. */
public interface Fact {

    Evidence source();
}
