package org.rehab.recommendation.rules;

/** An active, not refuted Condition whose code is in the hospital's chronic-pain code set. */
public record ChronicPain(Evidence source) implements Fact {}
