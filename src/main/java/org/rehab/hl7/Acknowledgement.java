package org.rehab.hl7;

/**
 * What an interface engine answered (MSA): the acknowledgement code, the control id it acknowledges and its
 * text. Original mode: AA accepted, AE error in the content (do not retry), AR rejected for another reason (retry
 * later); enhanced mode: CA commit accept, CR commit reject (retry), CE commit error.
 */
public record Acknowledgement(String code, String controlId, String text) {

    public boolean accepted() {
        return "AA".equals(code) || "CA".equals(code);
    }

    /** A content error: retrying the same message would fail the same way. */
    public boolean contentError() {
        return "AE".equals(code) || "CE".equals(code);
    }

    /** Reads MSA (and ERR's text) off an ACK in ER7, whatever its version. */
    static Acknowledgement parse(String ack) {
        if (!ack.startsWith("MSH") || ack.length() < 4) {
            throw new IllegalArgumentException("Not an HL7 v2 message");
        }
        String separator = String.valueOf(ack.charAt(3));
        String code = null;
        String controlId = null;
        StringBuilder text = new StringBuilder();
        for (String segment : ack.split("[\\r\\n]+")) {
            String[] fields = segment.split(java.util.regex.Pattern.quote(separator), -1);
            if (fields[0].equals("MSA")) {
                code = field(fields, 1);
                controlId = field(fields, 2);
                text.append(field(fields, 3));
            } else if (fields[0].equals("ERR")) {
                String detail = !field(fields, 8).isEmpty() ? field(fields, 8) : field(fields, 1);
                text.append(text.isEmpty() ? "" : "; ").append(detail);
            }
        }
        if (code == null) {
            throw new IllegalArgumentException("The acknowledgement has no MSA segment");
        }
        return new Acknowledgement(code, controlId, text.toString());
    }

    private static String field(String[] fields, int index) {
        return index < fields.length ? fields[index] : "";
    }
}
