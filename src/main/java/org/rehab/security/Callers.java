package org.rehab.security;

import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** The caller of the current request, from the access token Spring Security validated. */
public final class Callers {

    /** The identifier system of OAuth clients, named by their {@code client_id}. */
    public static final String CLIENTS = "urn:rehab:oauth-client";

    private Callers() {}

    /** The validated access token of the current request; empty in local mode or before authentication. */
    public static Optional<Jwt> currentToken() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication instanceof JwtAuthenticationToken jwt ? Optional.of(jwt.getToken()) : Optional.empty();
    }

    /** The current request's caller as its token's subject and client; empty in local mode, where anyone calls. */
    public static String currentIdentity() {
        return currentToken()
                .map(token -> token.getSubject() + " " + token.getClaimAsString("azp"))
                .orElse("");
    }

    /** The OAuth client ({@code azp}) of the current request's token; empty in local mode. */
    public static Optional<String> currentClient() {
        return currentToken().map(token -> token.getClaimAsString("azp"));
    }

    /**
     * Whether an access token this server validated lets its holder search one patient's resources of a type in a
     * hospital, as the FHIR API would let them.
     */
    public static boolean maySearch(Jwt token, String tenant, String patientId, String resourceType) {
        return Caller.from(token).maySearch(tenant, patientId, resourceType);
    }

    /**
     * Whether the caller of the current request searches every resource of a type in a hospital; true for the
     * server's own writes and in local mode, where no token is.
     */
    public static boolean currentMaySearchAll(String tenant, String resourceType) {
        return currentToken()
                .map(token -> Caller.from(token).maySearchAll(tenant, resourceType))
                .orElse(true);
    }

    static Optional<Caller> current() {
        return currentToken().map(Caller::from);
    }
}
