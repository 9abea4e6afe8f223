package org.rehab.security;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.rehab.security.SmartScope.Permission;

/**
 * What SMART v2 permission an interaction needs (SMART App Launch 2.x: {@code r} read, vread and instance
 * history, {@code s} search and type history, {@code c} create, {@code u} update and patch, {@code d} delete), for
 * a request and for each entry of a batch or transaction. HAPI's rules check types and compartments; this keeps
 * the letters apart ({@code .rs} does not allow an update, {@code .r} does not allow a search).
 */
final class InteractionScopes {

    /** A permission needed on a resource type ({@code *} for the whole system). */
    record Need(String resourceType, Permission permission) {}

    private InteractionScopes() {}

    static List<Need> needs(RestOperationTypeEnum operation, String resourceType, Object body) {
        List<Need> needs = new ArrayList<>();
        switch (operation) {
            case READ, VREAD, HISTORY_INSTANCE -> needs.add(new Need(resourceType, Permission.READ));
            case SEARCH_TYPE, HISTORY_TYPE -> needs.add(new Need(resourceType, Permission.SEARCH));
            case SEARCH_SYSTEM, HISTORY_SYSTEM -> needs.add(new Need(SmartScope.ANY_TYPE, Permission.SEARCH));
            case CREATE -> needs.add(new Need(resourceType, Permission.CREATE));
            case UPDATE, PATCH -> needs.add(new Need(resourceType, Permission.UPDATE));
            case DELETE -> needs.add(new Need(resourceType, Permission.DELETE));
            case TRANSACTION, BATCH -> {
                if (body instanceof Bundle bundle) {
                    bundle.getEntry()
                            .forEach(entry -> entryNeed(entry.getRequest()).ifPresent(needs::add));
                }
            }
            default -> {
                // Operations, metadata and paging: HAPI's rules decide.
            }
        }
        return needs;
    }

    private static Optional<Need> entryNeed(Bundle.BundleEntryRequestComponent request) {
        if (request.getMethod() == null || !request.hasUrl()) {
            return Optional.empty();
        }
        String url = request.getUrl();
        String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        String[] segments = path.replaceFirst("^/", "").split("/");
        String type = segments[0];
        if (type.isEmpty() || type.startsWith("$") || type.startsWith("_")) {
            return Optional.of(new Need(SmartScope.ANY_TYPE, Permission.SEARCH));
        }
        return Optional.of(
                switch (request.getMethod()) {
                    case GET, HEAD ->
                        new Need(
                                type,
                                segments.length >= 2 && !segments[1].startsWith("_") && !segments[1].startsWith("$")
                                        ? Permission.READ
                                        : Permission.SEARCH);
                    case POST -> new Need(type, Permission.CREATE);
                    case PUT, PATCH -> new Need(type, Permission.UPDATE);
                    case DELETE -> new Need(type, Permission.DELETE);
                    default -> new Need(type, Permission.READ);
                });
    }
}
