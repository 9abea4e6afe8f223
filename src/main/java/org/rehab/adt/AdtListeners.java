package org.rehab.adt;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.rehab.hl7.Hl7Charset;
import org.rehab.hl7.MllpFrames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * One MLLP listener per hospital with a port in {@code rehab.adt.ports}: each connection is read frame by frame,
 * and each message answered with its acknowledgement before the next is read, so an engine that waits for the
 * ACK (as MLLP asks) gets its messages applied in the order it sent them. At most
 * {@code rehab.adt.max-connections} connections at once per hospital, so that one hospital's engine cannot take
 * another's; an idle one is closed.
 */
@Component
class AdtListeners implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AdtListeners.class);

    private final AdtFeed feed;
    private final AdtSettings settings;
    private final Map<String, Semaphore> connections = new ConcurrentHashMap<>();
    private final List<ServerSocket> servers = new ArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    AdtListeners(AdtFeed feed, AdtSettings settings) {
        this.feed = feed;
        this.settings = settings;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        settings.ports().forEach((tenant, port) -> {
            try {
                ServerSocket server = new ServerSocket();
                server.setReuseAddress(true);
                server.bind(new InetSocketAddress(InetAddress.getByName(settings.bindAddress()), port));
                servers.add(server);
                Thread acceptor = new Thread(() -> accept(tenant, server), "adt-listener-" + tenant);
                acceptor.setDaemon(true);
                acceptor.start();
                log.info("ADT feed of {} listening on {}:{}", tenant, settings.bindAddress(), server.getLocalPort());
            } catch (IOException e) {
                throw new IllegalStateException("Cannot listen for the ADT feed of " + tenant + " on port " + port, e);
            }
        });
    }

    @Override
    public synchronized void stop() {
        running = false;
        for (ServerSocket server : servers) {
            closeQuietly(server);
        }
        servers.clear();
        open.forEach(AdtListeners::closeQuietly);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void accept(String tenant, ServerSocket server) {
        while (running) {
            try {
                Socket socket = server.accept();
                if (!connections
                        .computeIfAbsent(tenant, t -> new Semaphore(settings.maxConnections()))
                        .tryAcquire()) {
                    log.warn(
                            "ADT feed of {}: more than {} connections; one refused", tenant, settings.maxConnections());
                    closeQuietly(socket);
                    continue;
                }
                Thread connection = new Thread(() -> serve(tenant, socket), "adt-" + tenant + "-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException e) {
                if (running) {
                    log.warn("ADT feed of {}: accepting a connection failed ({})", tenant, e.getMessage());
                    try {
                        Thread.sleep(100); // out of file descriptors, for one: do not spin
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        }
    }

    private void serve(String tenant, Socket socket) {
        open.add(socket);
        String peer = socket.getInetAddress().getHostAddress();
        try (socket) {
            socket.setSoTimeout((int) settings.idleTimeout().toMillis());
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (running) {
                byte[] frame = MllpFrames.read(in, settings.maxMessageBytes());
                if (frame == null) {
                    return;
                }
                String received = Hl7Charset.decode(frame);
                String ack = feed.receive(tenant, received, peer);
                MllpFrames.write(out, Hl7Charset.encodeLike(ack, received));
            }
        } catch (SocketTimeoutException e) {
            log.debug("ADT feed of {}: an idle connection closed", tenant);
        } catch (IOException e) {
            if (running) {
                log.warn("ADT feed of {}: a connection ended ({})", tenant, e.getMessage());
            }
        } finally {
            open.remove(socket);
            connections.get(tenant).release();
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
