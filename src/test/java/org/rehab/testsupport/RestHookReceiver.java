package org.rehab.testsupport;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A rest-hook receiver on loopback, as a subscriber's server: it records every notification it accepts; while it is
 * down it answers 503 to each and records none, and while it hangs it holds each unanswered until it comes back (then
 * answers 503).
 */
public final class RestHookReceiver implements AutoCloseable {

    /** A notification as received. */
    public record Received(String method, String path, String authorization, String body) {}

    private final HttpServer server;
    private final List<Received> accepted = new CopyOnWriteArrayList<>();
    private volatile boolean down;
    private final AtomicInteger refused = new AtomicInteger();
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private volatile CountDownLatch hanging = new CountDownLatch(0);
    private final AtomicInteger held = new AtomicInteger();

    private RestHookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            CountDownLatch until = hanging;
            if (until.getCount() > 0) {
                held.incrementAndGet();
                try {
                    until.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.sendResponseHeaders(503, -1);
            } else if (down) {
                refused.incrementAndGet();
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
        server.setExecutor(handlers);
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
        return refused.get();
    }

    /** How many notifications have been held unanswered while it hangs. */
    public int held() {
        return held.get();
    }

    public void goDown() {
        down = true;
    }

    /** From now on, holds each notification without an answer until it comes back. */
    public void hang() {
        hanging = new CountDownLatch(1);
    }

    public void comeBack() {
        down = false;
        hanging.countDown();
    }

    @Override
    public void close() {
        hanging.countDown();
        server.stop(0);
        handlers.shutdownNow();
    }
}
