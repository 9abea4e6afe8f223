package org.rehab.recommendation;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Quantity;

/**
 * Body mass index from a height and a weight in any of the UCUM units hospitals send, rounded to one decimal as
 * BMI is reported clinically.
 */
final class BodyMassIndexCalculator {

    static final String UCUM = "http://unitsofmeasure.org";

    private static final Map<String, BigDecimal> METRES_PER_UNIT =
            Map.of("m", BigDecimal.ONE, "cm", new BigDecimal("0.01"), "[in_i]", new BigDecimal("0.0254"));
    private static final Map<String, BigDecimal> KILOGRAMS_PER_UNIT =
            Map.of("kg", BigDecimal.ONE, "g", new BigDecimal("0.001"), "[lb_av]", new BigDecimal("0.45359237"));

    private BodyMassIndexCalculator() {}

    /** The BMI in kg/m2, or empty if a unit is not one of the supported UCUM units or a value is not positive. */
    static Optional<BigDecimal> bmi(Quantity height, Quantity weight) {
        Optional<BigDecimal> metres = convert(height, METRES_PER_UNIT);
        Optional<BigDecimal> kilograms = convert(weight, KILOGRAMS_PER_UNIT);
        if (metres.isEmpty() || kilograms.isEmpty()) {
            return Optional.empty();
        }
        BigDecimal squared = metres.get().multiply(metres.get());
        return Optional.of(
                kilograms.get().divide(squared, MathContext.DECIMAL64).setScale(1, RoundingMode.HALF_UP));
    }

    static boolean isSupportedHeight(Quantity height) {
        return convert(height, METRES_PER_UNIT).isPresent();
    }

    static boolean isSupportedWeight(Quantity weight) {
        return convert(weight, KILOGRAMS_PER_UNIT).isPresent();
    }

    private static Optional<BigDecimal> convert(Quantity quantity, Map<String, BigDecimal> factors) {
        if (quantity == null || !quantity.hasValue() || quantity.getValue().signum() <= 0) {
            return Optional.empty();
        }
        if (quantity.hasSystem() && !UCUM.equals(quantity.getSystem())) {
            return Optional.empty();
        }
        String unit = quantity.hasCode() ? quantity.getCode() : quantity.getUnit();
        BigDecimal factor = unit == null ? null : factors.get(unit);
        return Optional.ofNullable(factor).map(quantity.getValue()::multiply);
    }
}
