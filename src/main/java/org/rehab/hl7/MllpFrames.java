package org.rehab.hl7;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * MLLP framing (HL7 v2 Minimal Lower Layer Protocol, release 2): a message travels as 0x0B, its bytes, 0x1C 0x0D.
 * Bytes outside a frame are skipped, as the protocol asks.
 */
public final class MllpFrames {

    private static final int START = 0x0B;
    private static final int END = 0x1C;
    private static final int CARRIAGE_RETURN = 0x0D;

    private MllpFrames() {}

    public static void write(OutputStream out, byte[] message) throws IOException {
        out.write(START);
        out.write(message);
        out.write(END);
        out.write(CARRIAGE_RETURN);
        out.flush();
    }

    /**
     * The next frame's bytes, or null if the peer closed the connection between frames; an {@link IOException} if
     * it closed in the middle of one, or sent more than {@code maxBytes} in one or between two.
     */
    public static byte[] read(InputStream in, int maxBytes) throws IOException {
        int b = in.read();
        for (int skipped = 0; b != START; skipped++) {
            if (b < 0) {
                return null;
            }
            if (skipped >= maxBytes) {
                throw new IOException("More than " + maxBytes + " bytes outside a message");
            }
            b = in.read();
        }
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        while (true) {
            b = in.read();
            if (b < 0) {
                throw new IOException("The connection was closed in the middle of a message");
            }
            if (b == END) {
                return frame.toByteArray();
            }
            if (frame.size() >= maxBytes) {
                throw new IOException("The message is larger than " + maxBytes + " bytes");
            }
            frame.write(b);
        }
    }
}
