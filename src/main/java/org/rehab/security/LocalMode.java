package org.rehab.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Local mode ({@code rehab.security.enabled=false}): refuses to start on anything but a loopback address, warns
 * loudly at start, and marks every response with {@code X-Rehab-Security: off}.
 */
class LocalMode extends OncePerRequestFilter {

    static final String HEADER = "X-Rehab-Security";
    static final String WARNING = "off: local mode, no authentication, loopback only";

    private static final Logger log = LoggerFactory.getLogger(LocalMode.class);

    LocalMode(String serverAddress) {
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

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader(HEADER, WARNING);
        chain.doFilter(request, response);
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
