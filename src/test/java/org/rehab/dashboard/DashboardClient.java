package org.rehab.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rehab.testsupport.KeycloakTestServer;

/** Registers the test server's dashboard address with the therapist-dashboard client (the realm has 8080's). */
final class DashboardClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DashboardClient() {}

    static void allowRedirectTo(KeycloakTestServer keycloak, String dashboard) throws Exception {
        var found = keycloak.admin("GET", "/clients?clientId=therapist-dashboard", null);
        ObjectNode client = (ObjectNode) JSON.readTree(found.body()).get(0);
        ((ArrayNode) client.withArray("redirectUris")).add(dashboard + "*");
        client.with("attributes")
                .put(
                        "post.logout.redirect.uris",
                        client.with("attributes")
                                        .path("post.logout.redirect.uris")
                                        .asText() + "##" + dashboard + "*");
        var updated = keycloak.admin("PUT", "/clients/" + client.get("id").asText(), JSON.writeValueAsString(client));
        if (updated.statusCode() != 204) {
            throw new IllegalStateException("Could not update therapist-dashboard: " + updated.body());
        }
    }
}
