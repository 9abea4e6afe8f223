package org.rehab.recommendation.rules;

import java.math.BigDecimal;

/**
 * The patient's most recent body mass index in kg/m2, from a BMI Observation or derived from the latest height
 * and weight (then {@code derived} is true and {@code source} is the BMI Observation the server stores).
 */
public record BodyMassIndex(BigDecimal value, Evidence source, boolean derived) implements Fact {}
