package org.rehab.security;

import java.io.IOException;
import java.net.InetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Local mode refuses to start on anything but a loopback address, and warns loudly when it starts. */
final class LoopbackOnly {

    private static final Logger log = LoggerFactory.getLogger(LoopbackOnly.class);

    private LoopbackOnly() {}

    static void require(String serverAddress) {
        if (!isLoopback(serverAddress)) {
            throw new IllegalStateException("Security is off (rehab.security.enabled=false), so the server may only"
                    + " listen on a loopback address, not on server.address=" + serverAddress
                    + ". Turn security on, or leave server.address at 127.0.0.1.");
        }
        log.warn(
                "\n\n    *** SECURITY IS OFF: local mode. Every request is served without authentication. ***\n"
                        + "    *** The server listens on {} only. Never use this mode with real patient data. ***\n",
                serverAddress);
    }

    static boolean isLoopback(String address) {
        if (address == null || address.isBlank()) {
            return false;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }
}
