package org.rehab.config;

import ca.uhn.fhir.rest.server.IServerAddressStrategy;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * The FHIR base URL that links, {@code Location} and {@code Content-Location} are written under: the configured
 * {@code rehab.fhir.public-base-url}, or this server on loopback; never the Host header a client sent, which a
 * forged request would otherwise plant in responses that caches and clients follow.
 */
class PublicBaseAddress implements IServerAddressStrategy {

    private final Optional<String> configured;

    /** @param configured the public base URL, or null or blank for this server on loopback */
    PublicBaseAddress(String configured) {
        this.configured =
                Optional.ofNullable(configured).filter(url -> !url.isBlank()).map(url -> url.replaceAll("/+$", ""));
    }

    @Override
    public String determineServerBase(ServletContext servletContext, HttpServletRequest request) {
        return configured.orElseGet(() -> "http://localhost:" + request.getLocalPort() + "/fhir");
    }
}
