package org.rehab.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class DecimalRangeTest {

    @Test
    void clinicalMeasurementsAreStored() {
        for (String value : new String[] {"72.125", "0", "-40.5", "1.5e-12", "12345678901234567", "0.000001", "1E+5"}) {
            assertThat(DecimalRange.refusal(new BigDecimal(value))).as(value).isEmpty();
        }
    }

    @Test
    void tinyDecimalThatWouldBreakReadsIsRefused() {
        assertThat(DecimalRange.refusal(new BigDecimal("1e-1001")))
                .hasValueSatisfying(why -> assertThat(why).contains("1001 digits after the decimal point"));
    }

    @Test
    void hugeDecimalIsRefusedWithoutWritingItOut() {
        assertThat(DecimalRange.refusal(new BigDecimal("1e999999")))
                .hasValueSatisfying(why -> assertThat(why).contains("1000000 digits before the decimal point"));
        assertThat(DecimalRange.refusal(new BigDecimal("123456789012345678"))).isPresent();
    }
}
