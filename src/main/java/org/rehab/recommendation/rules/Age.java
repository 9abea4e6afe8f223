package org.rehab.recommendation.rules;

/** The patient's age in whole years on the evaluation date. */
public record Age(int years) {}
