package org.rehab.hl7;

import java.io.IOException;
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
            Charset charset = Hl7Charset.ofMessage(message).charset; // the set MSH-18 names, as the engine reads
            MllpFrames.write(socket.getOutputStream(), message.getBytes(charset));
            byte[] ack = MllpFrames.read(socket.getInputStream(), MAX_ACK_BYTES);
            if (ack == null) {
                throw new IOException("The connection was closed before an acknowledgement");
            }
            try {
                return Acknowledgement.parse(new String(ack, charset));
            } catch (IllegalArgumentException e) {
                throw new IOException("Unreadable acknowledgement: " + e.getMessage(), e);
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("No acknowledgement within " + ackTimeout.toMillis() + " ms", e);
        }
    }
}
