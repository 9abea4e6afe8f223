package org.rehab.security;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMART resource scope (SMART App Launch 2.x, "Scopes for requesting clinical data"): a context, a resource
 * type or {@code *}, and permissions. v2 {@code patient/Observation.rs} and v1 {@code patient/Observation.read}
 * ({@code read} = {@code rs}, {@code write} = {@code cud}, {@code *} = {@code cruds}) read alike.
 */
record SmartScope(Context context, String resourceType, Set<Permission> permissions) {

    /** Whose data a scope reaches: the patient in context, what the user may see, what the client may see. */
    enum Context {
        PATIENT,
        USER,
        SYSTEM
    }

    /** SMART v2 permissions: create, read, update, delete, search. */
    enum Permission {
        CREATE('c'),
        READ('r'),
        UPDATE('u'),
        DELETE('d'),
        SEARCH('s');

        final char letter;

        Permission(char letter) {
            this.letter = letter;
        }
    }

    static final String ANY_TYPE = "*";

    private static final Pattern SCOPE = Pattern.compile("(patient|user|system)/([A-Za-z]+|\\*)\\.([a-z*]+)(\\?.*)?");
    private static final Pattern V2_PERMISSIONS = Pattern.compile("c?r?u?d?s?");

    /** The resource scopes in a token's {@code scope} claim; other scopes (openid, launch, …) are skipped. */
    static List<SmartScope> parseAll(String scopes) {
        List<SmartScope> parsed = new ArrayList<>();
        if (scopes != null) {
            for (String scope : scopes.trim().split("\\s+")) {
                parse(scope).ifPresent(parsed::add);
            }
        }
        return parsed;
    }

    static Optional<SmartScope> parse(String scope) {
        Matcher matcher = SCOPE.matcher(scope);
        if (!matcher.matches() || matcher.group(4) != null) {
            // Scopes with search-parameter constraints (patient/Observation.rs?category=…) are not granted.
            return Optional.empty();
        }
        Context context = Context.valueOf(matcher.group(1).toUpperCase(Locale.ROOT));
        return permissions(matcher.group(3)).map(permissions -> new SmartScope(context, matcher.group(2), permissions));
    }

    private static Optional<Set<Permission>> permissions(String text) {
        switch (text) {
            case "read":
                return Optional.of(EnumSet.of(Permission.READ, Permission.SEARCH));
            case "write":
                return Optional.of(EnumSet.of(Permission.CREATE, Permission.UPDATE, Permission.DELETE));
            case "*":
                return Optional.of(EnumSet.allOf(Permission.class));
            default:
                if (text.isEmpty() || !V2_PERMISSIONS.matcher(text).matches()) {
                    return Optional.empty();
                }
                Set<Permission> permissions = EnumSet.noneOf(Permission.class);
                for (Permission permission : Permission.values()) {
                    if (text.indexOf(permission.letter) >= 0) {
                        permissions.add(permission);
                    }
                }
                return Optional.of(permissions);
        }
    }

    boolean covers(String type) {
        return ANY_TYPE.equals(resourceType) || resourceType.equals(type);
    }
}
