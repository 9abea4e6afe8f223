package org.rehab.security;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Who is calling, from their validated access token: an administrator, a therapist or a patient (realm roles), or
 * an EHR back end (a client's service account); their hospital; the patient in context; the SMART scopes granted
 * that their kind may use. A patient reaches only their own compartment whatever the scope's prefix says; a
 * therapist or an administrator uses {@code user/} scopes (and {@code patient/} ones with a patient in context);
 * an EHR back end uses {@code system/} scopes.
 */
record Caller(
        Kind kind,
        String subject,
        String clientId,
        Optional<String> hospital,
        Optional<String> patient,
        Optional<String> fhirUser,
        List<SmartScope> scopes) {

    enum Kind {
        /** Operates the platform: registers hospitals' tenants; belongs to no hospital and reads no patient data. */
        PLATFORM,
        ADMIN,
        THERAPIST,
        PATIENT,
        SYSTEM,
        NOBODY
    }

    static Caller from(Jwt token) {
        Kind kind = kind(token);
        List<SmartScope> scopes = SmartScope.parseAll(token.getClaimAsString("scope")).stream()
                .filter(scope -> usable(kind, scope.context()))
                .toList();
        return new Caller(
                kind,
                token.getSubject(),
                token.getClaimAsString("azp"),
                Optional.ofNullable(token.getClaimAsString("hospital")),
                Optional.ofNullable(token.getClaimAsString("patient")),
                Optional.ofNullable(token.getClaimAsString("fhirUser")),
                scopes);
    }

    private static Kind kind(Jwt token) {
        List<String> roles = realmRoles(token);
        if (roles.contains("platform-admin")) {
            return Kind.PLATFORM;
        }
        if (roles.contains("admin")) {
            return Kind.ADMIN;
        }
        if (roles.contains("therapist")) {
            return Kind.THERAPIST;
        }
        if (roles.contains("patient")) {
            return token.getClaimAsString("patient") == null ? Kind.NOBODY : Kind.PATIENT;
        }
        // EHR back ends: clients of the client-credentials grant, the only ones the realm gives system/ scopes.
        String scope = token.getClaimAsString("scope");
        return scope != null && scope.matches("(.*\\s)?system/\\S+.*") ? Kind.SYSTEM : Kind.NOBODY;
    }

    /** The Keycloak realm roles the token carries ({@code realm_access.roles}). */
    static List<String> realmRoles(Jwt token) {
        Object realmAccess = token.getClaims().get("realm_access");
        if (realmAccess instanceof Map<?, ?> map && map.get("roles") instanceof Collection<?> roles) {
            return roles.stream().map(String::valueOf).toList();
        }
        return List.of();
    }

    private static boolean usable(Kind kind, SmartScope.Context context) {
        return switch (kind) {
            case ADMIN, THERAPIST -> context != SmartScope.Context.SYSTEM;
            case PATIENT -> true; // confined to the patient's compartment whatever the prefix
            case SYSTEM -> context == SmartScope.Context.SYSTEM;
            case PLATFORM, NOBODY -> false;
        };
    }

    /** The patient whose compartment a scope is confined to, if it is. */
    Optional<String> compartmentOf(SmartScope scope) {
        return kind == Kind.PATIENT || scope.context() == SmartScope.Context.PATIENT ? patient : Optional.empty();
    }

    /** Scopes with a patient compartment but no patient in context reach nothing. */
    List<SmartScope> effectiveScopes() {
        return scopes.stream()
                .filter(scope -> compartmentOf(scope).isPresent()
                        || (kind != Kind.PATIENT && scope.context() != SmartScope.Context.PATIENT))
                .toList();
    }

    /** The patient every scope of this token is confined to, when it reaches one patient's compartment only. */
    Optional<String> confinedPatient() {
        List<SmartScope> effective = effectiveScopes();
        boolean confined = !effective.isEmpty()
                && effective.stream().allMatch(scope -> compartmentOf(scope).isPresent());
        return confined ? patient : Optional.empty();
    }

    /**
     * Whether this token lets its holder search one patient's resources of a type in a hospital: its hospital, a
     * scope that searches the type, and no compartment but that patient's.
     */
    boolean maySearch(String tenant, String patientId, String resourceType) {
        return hospital.map(tenant::equals).orElse(false)
                && effectiveScopes().stream()
                        .anyMatch(scope -> scope.covers(resourceType)
                                && scope.permissions().contains(SmartScope.Permission.SEARCH)
                                && compartmentOf(scope).map(patientId::equals).orElse(true));
    }

    /** Whether this token searches every resource of a type in a hospital, not only one patient's. */
    boolean maySearchAll(String tenant, String resourceType) {
        return hospital.map(tenant::equals).orElse(false)
                && effectiveScopes().stream()
                        .anyMatch(scope -> scope.covers(resourceType)
                                && scope.permissions().contains(SmartScope.Permission.SEARCH)
                                && compartmentOf(scope).isEmpty());
    }

    /**
     * Whether this token exports its hospital's data in bulk: an EHR back end's, with {@code system/*.read} or
     * {@code system/*.rs} (SMART Backend Services, as the Bulk Data Access IG asks).
     */
    boolean exportsInBulk() {
        return kind == Kind.SYSTEM
                && effectiveScopes().stream()
                        .anyMatch(scope -> SmartScope.ANY_TYPE.equals(scope.resourceType())
                                && scope.permissions().contains(SmartScope.Permission.READ)
                                && scope.permissions().contains(SmartScope.Permission.SEARCH));
    }

    boolean permits(String resourceType, SmartScope.Permission permission) {
        return effectiveScopes().stream()
                .anyMatch(scope ->
                        scope.covers(resourceType) && scope.permissions().contains(permission));
    }
}
