package org.rehab.adt;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * The acknowledgement of a received message, in original mode: MSA-1 AA (applied), AE (cannot be applied: do not
 * send it again as it is) or AR (cannot be taken now: send it again), with an ERR segment that says why. It is
 * written with the received message's own delimiters, so its header fields can be echoed as they came, and
 * built from the raw header, so that even a message HAPI cannot parse gets one.
 */
final class AdtAck {

    /** HL7 table 0357, message error condition codes. */
    enum Error {
        REQUIRED_FIELD_MISSING("101", "Required field missing"),
        DATA_TYPE_ERROR("102", "Data type error"),
        UNSUPPORTED_MESSAGE_TYPE("200", "Unsupported message type"),
        UNSUPPORTED_EVENT_CODE("201", "Unsupported event code"),
        UNKNOWN_KEY_IDENTIFIER("204", "Unknown key identifier"),
        DUPLICATE_KEY_IDENTIFIER("205", "Duplicate key identifier"),
        APPLICATION_INTERNAL_ERROR("207", "Application internal error");

        final String code;
        final String text;

        Error(String code, String text) {
            this.code = code;
            this.text = text;
        }
    }

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss.SSSZ");

    private AdtAck() {}

    static String accept(String received, String controlId, Instant now, ZoneId zone) {
        return build(received, "AA", null, null, controlId, now, zone);
    }

    /** AE or AR, with the error and a sentence for the people running the interface engine. */
    static String refuse(
            String received, String code, Error error, String text, String controlId, Instant now, ZoneId zone) {
        return build(received, code, error, text, controlId, now, zone);
    }

    /** The control id (MSH-10) of a received message, read without parsing it; empty if there is none. */
    static String controlIdOf(String received) {
        String[] msh = header(received);
        return 10 < msh.length && msh[10] != null ? msh[10] : "";
    }

    /** MSH-9's trigger event (A04...), read without parsing; empty if there is none. */
    static String triggerOf(String received) {
        String[] msh = header(received);
        String encoding = field(msh, 2);
        return encoding.isEmpty() ? "" : component(field(msh, 9), encoding.charAt(0), 1);
    }

    /** MSH-3 and MSH-4, the sending application and facility, as they came. */
    static String senderOf(String received) {
        String[] msh = header(received);
        return field(msh, 3) + " " + field(msh, 4);
    }

    private static String build(
            String received, String code, Error error, String text, String controlId, Instant now, ZoneId zone) {
        String[] msh = header(received);
        char separator = msh.length > 1 && received.length() > 3 ? received.charAt(3) : '|';
        String encoding = field(msh, 2).length() >= 4 ? field(msh, 2).substring(0, 4) : "^~\\&";
        String s = String.valueOf(separator);
        String trigger = component(field(msh, 9), encoding.charAt(0), 1);
        StringBuilder ack = new StringBuilder()
                .append("MSH")
                .append(s)
                .append(encoding)
                .append(s)
                .append(field(msh, 5))
                .append(s)
                .append(field(msh, 6))
                .append(s)
                .append(field(msh, 3))
                .append(s)
                .append(field(msh, 4))
                .append(s)
                .append(TIMESTAMP.format(now.atZone(zone)))
                .append(s)
                .append(s)
                .append("ACK")
                .append(trigger.isEmpty() ? "" : encoding.charAt(0) + trigger)
                .append(encoding.charAt(0))
                .append("ACK")
                .append(s)
                .append(controlId)
                .append(s)
                .append(field(msh, 11).isEmpty() ? "P" : field(msh, 11))
                .append(s)
                .append("2.5.1");
        if (!field(msh, 18).isEmpty()) {
            ack.append(s.repeat(6)).append(field(msh, 18));
        }
        ack.append('\r').append("MSA").append(s).append(code).append(s).append(field(msh, 10));
        if (error != null) {
            char component = encoding.charAt(0);
            ack.append('\r')
                    .append("ERR")
                    .append(s.repeat(3))
                    .append(error.code)
                    .append(component)
                    .append(error.text)
                    .append(component)
                    .append("HL70357")
                    .append(s)
                    .append("E")
                    .append(s.repeat(4))
                    .append(escape(text, separator, encoding));
        }
        return ack.append('\r').toString();
    }

    private static String[] header(String received) {
        String msh = received.split("[\r\n]", 2)[0]; // segments end with CR; some engines send LF
        if (!msh.startsWith("MSH") || msh.length() < 4) {
            return new String[0];
        }
        String[] fields = msh.split(Pattern.quote(String.valueOf(msh.charAt(3))), -1);
        String[] numbered = new String[fields.length + 1]; // numbered[n] is MSH-n; MSH-1 is the separator itself
        numbered[1] = String.valueOf(msh.charAt(3));
        System.arraycopy(fields, 1, numbered, 2, fields.length - 1);
        return numbered;
    }

    /** MSH-n as received, at most 200 characters (an HD or an ID is shorter), so that an ACK stays small. */
    private static String field(String[] msh, int number) {
        String field = number < msh.length && msh[number] != null ? msh[number] : "";
        return field.length() <= 200 ? field : field.substring(0, 200);
    }

    private static String component(String field, char separator, int number) {
        String[] components = field.split(Pattern.quote(String.valueOf(separator)), -1);
        return number < components.length ? components[number] : "";
    }

    /** HL7 escapes for the delimiters, so that a sentence cannot break the segment. */
    private static String escape(String text, char separator, String encoding) {
        char escape = encoding.charAt(2);
        StringBuilder escaped = new StringBuilder();
        String bounded = text == null ? "" : text.length() <= 500 ? text : text.substring(0, 500);
        for (char c : bounded.toCharArray()) {
            if (c == separator) {
                escaped.append(escape).append('F').append(escape);
            } else if (c == encoding.charAt(0)) {
                escaped.append(escape).append('S').append(escape);
            } else if (c == encoding.charAt(1)) {
                escaped.append(escape).append('R').append(escape);
            } else if (c == escape) {
                escaped.append(escape).append('E').append(escape);
            } else if (c == encoding.charAt(3)) {
                escaped.append(escape).append('T').append(escape);
            } else if (c == '\r' || c == '\n') {
                escaped.append(' ');
            } else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
