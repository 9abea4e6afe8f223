package org.rehab.hl7;

/** HL7 v2 order control codes (ORC-1, table 0119) of the alerts this server sends. */
public enum OrderControl {
    /** A new recommendation. */
    NEW("NW"),
    /** A recommendation revoked (declined) or deleted. */
    CANCEL("CA"),
    /** A recommendation completed: status changed, ORC-5 CM. */
    STATUS_CHANGED("SC");

    final String code;

    OrderControl(String code) {
        this.code = code;
    }

    static OrderControl of(String code) {
        for (OrderControl control : values()) {
            if (control.code.equals(code)) {
                return control;
            }
        }
        throw new IllegalArgumentException("Not an order control of this server: " + code);
    }

    public String code() {
        return code;
    }
}
