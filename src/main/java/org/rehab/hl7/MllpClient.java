package org.rehab.hl7;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.Charset;
import java.time.Duration;

/**
 * Sends one HL7 v2 message over MLLP (0x0B, the message, 0x1C 0x0D) on a new connection and waits for the
 * acknowledgement. Any failure to connect, a closed connection or no answer before the timeout is an
 * {@link IOException}: the caller retries.
 */
final class MllpClient {

    private static final int START = 0x0B;
    private static final int END = 0x1C;
    private static final int CARRIAGE_RETURN = 0x0D;
    private static final int MAX_ACK_BYTES = 1 << 20;

    private final Duration connectTimeout;
    private final Duration ackTimeout;

    MllpClient(Duration connectTimeout, Duration ackTimeout) {
        this.connectTimeout = connectTimeout;
        this.ackTimeout = ackTimeout;
    }

    Acknowledgement send(String host, int port, String message) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
            socket.setSoTimeout((int) ackTimeout.toMillis());
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            out.write(START);
            Charset charset = Hl7Charset.ofMessage(message).charset; // the set MSH-18 names, as the engine reads
            out.write(message.getBytes(charset));
            out.write(END);
            out.write(CARRIAGE_RETURN);
            out.flush();
            try {
                return Acknowledgement.parse(readFrame(socket.getInputStream(), charset));
            } catch (IllegalArgumentException e) {
                throw new IOException("Unreadable acknowledgement: " + e.getMessage(), e);
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("No acknowledgement within " + ackTimeout.toMillis() + " ms", e);
        }
    }

    private static String readFrame(InputStream in, Charset charset) throws IOException {
        int b = in.read();
        while (b != START) {
            if (b < 0) {
                throw new IOException("The connection was closed before an acknowledgement");
            }
            b = in.read();
        }
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        while (true) {
            b = in.read();
            if (b < 0) {
                throw new IOException("The connection was closed in the middle of an acknowledgement");
            }
            if (b == END) {
                break;
            }
            if (frame.size() > MAX_ACK_BYTES) {
                throw new IOException("The acknowledgement is larger than " + MAX_ACK_BYTES + " bytes");
            }
            frame.write(b);
        }
        return frame.toString(charset);
    }
}
