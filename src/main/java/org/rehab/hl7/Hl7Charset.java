package org.rehab.hl7;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Endpoint;

/**
 * The character set an endpoint's interface engine reads: ASCII unless its Endpoint says otherwise with a
 * {@code charset} parameter on a {@code payloadMimeType} ({@code x-application/hl7-v2+er7; charset=UTF-8}, or
 * {@code ISO-8859-1}). MSH-18 names it (HL7 table 0211), the message is sent in it, and every character it cannot
 * carry is sent as HL7's hexadecimal escape of the character's UTF-8 bytes ({@code é} becomes {@code \XC3A9\}), so
 * that nothing is lost or mangled on the way.
 */
public enum Hl7Charset {
    ASCII("ASCII", StandardCharsets.US_ASCII),
    ISO_8859_1("8859/1", StandardCharsets.ISO_8859_1),
    UTF_8("UNICODE UTF-8", StandardCharsets.UTF_8);

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    /** The value of MSH-18. */
    final String hl7Name;

    final Charset charset;

    Hl7Charset(String hl7Name, Charset charset) {
        this.hl7Name = hl7Name;
        this.charset = charset;
    }

    /** The character set the endpoint asks for; ASCII when it names none, or one that is not one of these. */
    static Hl7Charset of(Endpoint endpoint) {
        return endpoint.getPayloadMimeType().stream()
                .map(CodeType::getValue)
                .map(Hl7Charset::fromMimeType)
                .flatMap(Optional::stream)
                .findFirst()
                .orElse(ASCII);
    }

    /** The character set a message names in MSH-18; ASCII when it names none (HL7's default). */
    static Hl7Charset ofMessage(String er7) {
        int end = er7.indexOf('\r');
        String msh = end < 0 ? er7 : er7.substring(0, end);
        if (!msh.startsWith("MSH") || msh.length() < 4) {
            return ASCII;
        }
        String[] fields = msh.split(Pattern.quote(String.valueOf(msh.charAt(3))), -1);
        String named = fields.length > 17 ? fields[17] : "";
        for (Hl7Charset known : values()) {
            if (known.hl7Name.equals(named)) {
                return known;
            }
        }
        return ASCII;
    }

    /**
     * A received message as text, in the set its MSH-18 names; one that names none (or ASCII) is read as UTF-8 when
     * its bytes are UTF-8, else as ISO 8859-1, since engines that say nothing send both.
     */
    public static String decode(byte[] frame) {
        Hl7Charset named = ofMessage(new String(frame, StandardCharsets.ISO_8859_1));
        if (named != ASCII) {
            return new String(frame, named.charset);
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(frame))
                    .toString();
        } catch (CharacterCodingException e) {
            return new String(frame, StandardCharsets.ISO_8859_1);
        }
    }

    /** The bytes of a message to send in reply to {@code received}: in the set the received message named. */
    public static byte[] encodeLike(String reply, String received) {
        return reply.getBytes(ofMessage(received).charset);
    }

    /**
     * The encoded message with every character this set cannot carry replaced by its escape; HL7's delimiters and
     * escapes are ASCII, so only field content changes.
     */
    String escape(String er7) {
        CharsetEncoder encoder = charset.newEncoder();
        StringBuilder escaped = new StringBuilder(er7.length());
        er7.codePoints().forEach(codePoint -> {
            String character = Character.toString(codePoint);
            if (encoder.canEncode(character)) {
                escaped.append(character);
            } else {
                escaped.append("\\X")
                        .append(HEX.formatHex(character.getBytes(StandardCharsets.UTF_8)))
                        .append('\\');
            }
        });
        return escaped.toString();
    }

    private static Optional<Hl7Charset> fromMimeType(String mimeType) {
        if (mimeType == null) {
            return Optional.empty();
        }
        for (String parameter : mimeType.split(";")) {
            String[] nameAndValue = parameter.trim().split("=", 2);
            if (nameAndValue.length == 2 && nameAndValue[0].trim().equalsIgnoreCase("charset")) {
                String value = nameAndValue[1].trim().replace("\"", "").toUpperCase(Locale.ROOT);
                return switch (value) {
                    case "UTF-8", "UTF8" -> Optional.of(UTF_8);
                    case "ISO-8859-1", "ISO8859-1", "LATIN1" -> Optional.of(ISO_8859_1);
                    case "US-ASCII", "ASCII" -> Optional.of(ASCII);
                    default -> Optional.empty();
                };
            }
        }
        return Optional.empty();
    }
}
