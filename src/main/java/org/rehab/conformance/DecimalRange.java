package org.rehab.conformance;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * The decimals this server stores: at most {@value #MAX_INTEGER_DIGITS} digits before the decimal point (HAPI's
 * number index is {@code numeric(19,2)}) and {@value #MAX_FRACTION_DIGITS} after it, which covers every clinical
 * measurement. A value such as
 * {@code 1e-1001} or {@code 1e999999} is valid JSON but would cost seconds to write out and break every later read
 * of the record, so it is refused before anything else looks at it.
 */
public final class DecimalRange {

    static final int MAX_INTEGER_DIGITS = 17;
    static final int MAX_FRACTION_DIGITS = 30;

    private DecimalRange() {}

    /** Why a value is refused, or empty when it is stored as it is. */
    public static Optional<String> refusal(BigDecimal value) {
        if (value == null || value.signum() == 0) {
            return Optional.empty();
        }
        int integerDigits = value.precision() - value.scale();
        if (integerDigits > MAX_INTEGER_DIGITS) {
            return Optional.of("decimal with " + integerDigits + " digits before the decimal point: at most "
                    + MAX_INTEGER_DIGITS + " are stored");
        }
        if (value.scale() > MAX_FRACTION_DIGITS) {
            return Optional.of("decimal with " + value.scale() + " digits after the decimal point: at most "
                    + MAX_FRACTION_DIGITS + " are stored");
        }
        return Optional.empty();
    }
}
