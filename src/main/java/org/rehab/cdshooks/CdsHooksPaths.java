package org.rehab.cdshooks;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a hospital's CDS Hooks services live: its base URL is {@code /cds/{tenant}}, so that its discovery endpoint
 * is {@code /cds/{tenant}/cds-services} and each service {@code /cds/{tenant}/cds-services/{id}}, as the
 * specification derives them from a base URL.
 */
final class CdsHooksPaths {

    static final String ALL = "/cds/**";
    static final String DISCOVERY = "/cds/*/cds-services";
    static final String SERVICE = "/cds/*/cds-services/*";

    private static final Pattern TENANT = Pattern.compile("/cds/([^/]+)/.*");

    private CdsHooksPaths() {}

    /** The tenant named in a CDS Hooks path, or an empty string. */
    static String tenantOf(String path) {
        Matcher matcher = TENANT.matcher(path);
        return matcher.matches() ? matcher.group(1) : "";
    }
}
