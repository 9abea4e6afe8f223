package org.rehab.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Endpoint;

/**
 * An interface engine for tests: an MLLP listener on 127.0.0.1 whose answers the test scripts (an ACK code, a
 * delay, or a dropped connection), recording every message it receives. It can go down and come back on the same
 * port. Also runs on its own for the benchmark: {@code MllpTestPeer <port>} acknowledges everything with AA.
 */
public final class MllpTestPeer implements AutoCloseable {

    /** How the peer answers one message. */
    public record Answer(String ackCode, Duration delay, boolean drop) {

        public static Answer ack(String code) {
            return new Answer(code, Duration.ZERO, false);
        }

        public static Answer slow(String code, Duration delay) {
            return new Answer(code, delay, false);
        }

        public static Answer dropConnection() {
            return new Answer(null, Duration.ZERO, true);
        }
    }

    /** A message the peer received, and what it answered. */
    public record Received(String controlId, String orderControl, String message, Instant at, String answered) {}

    private static final Pattern SEGMENTS = Pattern.compile("\\r");

    private final Queue<Answer> script = new ConcurrentLinkedQueue<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;
    private volatile int port;
    private Socket reserved;
    private Thread acceptor;

    /** Starts listening on a free port. */
    public static MllpTestPeer start() throws IOException {
        MllpTestPeer peer = new MllpTestPeer();
        peer.listen(0);
        return peer;
    }

    public static void main(String[] args) throws Exception {
        MllpTestPeer peer = new MllpTestPeer();
        peer.listen(Integer.parseInt(args[0]));
        System.out.println("MLLP peer listening on 127.0.0.1:" + peer.port());
        Thread.currentThread().join();
    }

    /** This peer as a hospital's interface engine: an active {@code hl7v2-mllp} Endpoint with this id. */
    public Endpoint endpoint(String id) {
        Endpoint endpoint = new Endpoint();
        endpoint.setId(id);
        endpoint.setStatus(Endpoint.EndpointStatus.ACTIVE);
        endpoint.setName("ENGINE");
        endpoint.setConnectionType(
                new Coding("http://terminology.hl7.org/CodeSystem/endpoint-connection-type", "hl7v2-mllp", null));
        endpoint.addPayloadType(new CodeableConcept().setText("HL7 v2 orders"));
        endpoint.setAddress("mllp://127.0.0.1:" + port());
        return endpoint;
    }

    public int port() {
        return port;
    }

    /** The next messages get these answers, in order; then AA again. */
    public void script(Answer... answers) {
        script.addAll(List.of(answers));
    }

    public List<Received> received() {
        return new ArrayList<>(received);
    }

    /** Messages that were accepted (answered AA), by control id. */
    public List<String> accepted() {
        return received.stream()
                .filter(r -> "AA".equals(r.answered()))
                .map(Received::controlId)
                .toList();
    }

    /**
     * Stops listening: connections are refused, as when an interface engine is down. The port stays bound by a
     * socket that does not listen, so no other listener and no client's own ephemeral port (a TCP connection to
     * itself) can take it while the peer is down.
     */
    public synchronized void goDown() throws IOException {
        server.close();
        if (reserved != null) {
            return;
        }
        try {
            acceptor.join(); // the socket is released only when its accept has returned
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while going down", e);
        }
        Socket placeholder = new Socket();
        placeholder.setReuseAddress(true);
        placeholder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        reserved = placeholder;
    }

    /** Listens again on the same port. */
    public synchronized void comeBack() throws IOException {
        releasePort();
        listen(port);
    }

    @Override
    public synchronized void close() throws IOException {
        server.close();
        releasePort();
    }

    private void releasePort() throws IOException {
        if (reserved != null) {
            reserved.close();
            reserved = null;
        }
    }

    private synchronized void listen(int onPort) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort));
        server = socket;
        port = socket.getLocalPort();
        acceptor = new Thread(() -> accept(socket), "mllp-test-peer-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                Thread handler = new Thread(() -> serve(connection), "mllp-test-peer-connection");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            InputStream in = connection.getInputStream();
            OutputStream out = connection.getOutputStream();
            while (true) {
                String message = readFrame(in);
                if (message == null) {
                    return;
                }
                Answer answer = script.poll();
                if (answer == null) {
                    answer = Answer.ack("AA");
                }
                String[] msh = SEGMENTS.split(message)[0].split(Pattern.quote("|"), -1);
                String controlId = msh.length > 9 ? msh[9] : "";
                received.add(new Received(
                        controlId,
                        orderControl(message),
                        message,
                        Instant.now(),
                        answer.drop() ? "dropped" : answer.ackCode()));
                if (!answer.delay().isZero()) {
                    Thread.sleep(answer.delay().toMillis());
                }
                if (answer.drop()) {
                    return;
                }
                out.write(0x0B);
                out.write(ack(controlId, answer.ackCode()).getBytes(StandardCharsets.UTF_8));
                out.write(0x1C);
                out.write(0x0D);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // The client went away.
        }
    }

    private static String orderControl(String message) {
        for (String segment : SEGMENTS.split(message)) {
            if (segment.startsWith("ORC|")) {
                return segment.split(Pattern.quote("|"), -1)[1];
            }
        }
        return "";
    }

    private static String ack(String controlId, String code) {
        String text =
                switch (code) {
                    case "AE" -> "|Unknown procedure code";
                    case "AR" -> "|Receiving application unavailable";
                    default -> "";
                };
        return "MSH|^~\\&|ENGINE|NORTH|REHAB|north|20261122093016||ACK^O19^ACK|A" + controlId + "|P|2.5.1\r" + "MSA|"
                + code + "|" + controlId + text + "\r";
    }

    private static String readFrame(InputStream in) throws IOException {
        int b = in.read();
        while (b != 0x0B) {
            if (b < 0) {
                return null;
            }
            b = in.read();
        }
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        while ((b = in.read()) != 0x1C) {
            if (b < 0) {
                return null;
            }
            frame.write(b);
        }
        in.read();
        return frame.toString(StandardCharsets.UTF_8);
    }
}
