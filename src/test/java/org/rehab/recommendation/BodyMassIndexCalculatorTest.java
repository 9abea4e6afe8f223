package org.rehab.recommendation;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.Test;

class BodyMassIndexCalculatorTest {

    @Test
    void centimetresAndKilograms() {
        assertThat(bmi(165, "cm", 64, "kg")).isEqualByComparingTo("23.5");
    }

    @Test
    void metresAndGrams() {
        assertThat(bmi(1.80, "m", 97_300, "g")).isEqualByComparingTo("30.0");
    }

    @Test
    void inchesAndPounds() {
        // 70 in = 1.778 m, 220 lb = 99.79 kg
        assertThat(bmi(70, "[in_i]", 220, "[lb_av]")).isEqualByComparingTo("31.6");
    }

    @Test
    void roundsToOneDecimalHalfUp() {
        // 92.0 kg / (1.75 m)^2 = 30.0408...
        assertThat(bmi(175, "cm", 92, "kg")).isEqualByComparingTo("30.0");
        // 92.2 kg / (1.75 m)^2 = 30.1061...
        assertThat(bmi(175, "cm", 92.2, "kg")).isEqualByComparingTo("30.1");
    }

    @Test
    void unknownUnitGivesNoBmi() {
        assertThat(BodyMassIndexCalculator.bmi(quantity(165, "cm"), quantity(64, "stone")))
                .isEmpty();
        assertThat(BodyMassIndexCalculator.bmi(quantity(5.5, "ft"), quantity(64, "kg")))
                .isEmpty();
    }

    @Test
    void nonUcumSystemGivesNoBmi() {
        Quantity height = quantity(165, "cm").setSystem("http://example.org/units");
        assertThat(BodyMassIndexCalculator.bmi(height, quantity(64, "kg"))).isEmpty();
    }

    @Test
    void zeroOrMissingValueGivesNoBmi() {
        assertThat(BodyMassIndexCalculator.bmi(quantity(0, "cm"), quantity(64, "kg")))
                .isEmpty();
        assertThat(BodyMassIndexCalculator.bmi(new Quantity().setCode("cm"), quantity(64, "kg")))
                .isEmpty();
    }

    private static BigDecimal bmi(double height, String heightUnit, double weight, String weightUnit) {
        return BodyMassIndexCalculator.bmi(quantity(height, heightUnit), quantity(weight, weightUnit))
                .orElseThrow();
    }

    private static Quantity quantity(double value, String code) {
        return new Quantity()
                .setValue(BigDecimal.valueOf(value))
                .setSystem(BodyMassIndexCalculator.UCUM)
                .setCode(code);
    }
}
