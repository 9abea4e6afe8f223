package org.rehab.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Local mode ({@code rehab.security.enabled=false}) marks every response with {@code X-Rehab-Security: off}; it
 * only runs on loopback ({@link LoopbackOnly}).
 */
class LocalMode extends OncePerRequestFilter {

    static final String HEADER = "X-Rehab-Security";
    static final String WARNING = "off: local mode, no authentication, loopback only";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader(HEADER, WARNING);
        chain.doFilter(request, response);
    }
}
