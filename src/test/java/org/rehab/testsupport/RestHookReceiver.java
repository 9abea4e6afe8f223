package org.rehab.testsupport;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A rest-hook receiver on loopback, as a subscriber's server: it records every notification it accepts, and while it
 * is down answers 503 to each and records none.
 */
public final class RestHookReceiver implements AutoCloseable {

    /** A notification as received. */
    public record Received(String method, String path, String authorization, String body) {}

    private final HttpServer server;
    private final List<Received> accepted = new CopyOnWriteArrayList<>();
    private volatile boolean down;
    private volatile int refused;

    private RestHookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (down) {
                refused++;
                exchange.sendResponseHeaders(503, -1);
            } else {
                accepted.add(new Received(
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        body));
                exchange.sendResponseHeaders(200, -1);
            }
            exchange.close();
        });
        server.start();
    }

    public static RestHookReceiver start() {
        return new RestHookReceiver();
    }

    /** The address to subscribe with. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/notify";
    }

    public List<Received> accepted() {
        return List.copyOf(accepted);
    }

    /** The paths of the notifications accepted, as {@code /notify/ServiceRequest/{id}}. */
    public List<String> paths() {
        return accepted.stream().map(Received::path).toList();
    }

    public int refused() {
        return refused;
    }

    public void goDown() {
        down = true;
    }

    public void comeBack() {
        down = false;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
