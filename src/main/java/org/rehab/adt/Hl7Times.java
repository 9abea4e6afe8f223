package org.rehab.adt;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Optional;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;

/** HL7 v2 dates and times (DT, DTM) as FHIR's, at the precision they were sent; local times in the given zone. */
final class Hl7Times {

    private static final Pattern DTM =
            Pattern.compile("(\\d{4})(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(\\.\\d{1,4})?([+-]\\d{4})?");

    private Hl7Times() {}

    /** A date such as {@code 19540301}, {@code 195403} or {@code 1954} (any time in it ignored). */
    static Optional<DateType> date(String value) {
        Matcher m = matcher(value);
        if (m == null) {
            return Optional.empty();
        }
        String date = m.group(1)
                + (m.group(2) != null ? "-" + m.group(2) : "")
                + (m.group(3) != null ? "-" + m.group(3) : "");
        try {
            return Optional.of(new DateType(date));
        } catch (RuntimeException e) { // a month 13 or a day 00 is no date: FHIR's parser refuses it
            return Optional.empty();
        }
    }

    /** A moment to the minute at least; a date alone becomes a day-precision dateTime. */
    static Optional<DateTimeType> dateTime(String value, ZoneId zone) {
        Matcher m = matcher(value);
        if (m == null) {
            return Optional.empty();
        }
        if (m.group(4) == null || m.group(5) == null) {
            return date(value).map(date -> new DateTimeType(date.getValueAsString()));
        }
        if (date(value).isEmpty()) {
            return Optional.empty();
        }
        try {
            LocalDateTime local = LocalDateTime.of(
                    Integer.parseInt(m.group(1)),
                    Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)),
                    Integer.parseInt(m.group(5)),
                    m.group(6) == null ? 0 : Integer.parseInt(m.group(6)));
            OffsetDateTime moment = m.group(8) != null
                    ? local.atOffset(ZoneOffset.of(m.group(8)))
                    : local.atZone(zone).toOffsetDateTime();
            DateTimeType dateTime = new DateTimeType(Date.from(moment.toInstant()));
            dateTime.setTimeZone(TimeZone.getTimeZone(moment.getOffset()));
            return Optional.of(dateTime);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Matcher matcher(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Matcher m = DTM.matcher(value.trim());
        return m.matches() ? m : null;
    }
}
