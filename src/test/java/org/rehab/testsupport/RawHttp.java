package org.rehab.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A request written byte for byte on a plain socket, for what an HTTP client library refuses to send (a forged Host
 * header, a malformed request line, an unknown method, raw '|' in a query); answers the whole response as text.
 */
public final class RawHttp {

    private RawHttp() {}

    public static String send(int port, String requestHead) {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(requestHead.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The status code of a response read by {@link #send}. */
    public static int statusOf(String rawResponse) {
        return Integer.parseInt(rawResponse.substring(9, 12));
    }
}
