package org.rehab.cdshooks;

/**
 * Text from patient records put into a card's markdown {@code detail}, which the EHR renders: every character that
 * markdown or HTML gives a meaning is escaped, so that a record cannot plant a link, an image or markup in the
 * clinician's screen.
 */
final class Markdown {

    private static final String SPECIAL = "\\`*_{}[]()<>#+-.!|~&\"'=:";

    private Markdown() {}

    static String text(String plain) {
        StringBuilder escaped = new StringBuilder(plain.length() + 16);
        for (int i = 0; i < plain.length(); i++) {
            char c = plain.charAt(i);
            if (c == '\n' || c == '\r') {
                escaped.append(' ');
            } else if (SPECIAL.indexOf(c) >= 0) {
                escaped.append('\\').append(c);
            } else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
