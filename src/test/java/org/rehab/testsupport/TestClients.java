package org.rehab.testsupport;

/**
 * Clients that exist only in the tests, registered through Keycloak's admin API, both of hospital north: one whose
 * tokens live three seconds (to see a token expire; also a second back end of north) and one whose tokens do not name
 * the FHIR server as audience.
 */
public final class TestClients {

    public static final String SECRET = "test-only-secret";

    private static boolean shortLived;
    private static boolean noAudience;

    private TestClients() {}

    public static synchronized String ensureShortLivedClient(KeycloakTestServer keycloak) {
        if (!shortLived) {
            create(keycloak, "test-short-lived", "[\"basic\",\"rehab\"]", "{\"access.token.lifespan\":\"3\"}");
            shortLived = true;
        }
        return SECRET;
    }

    public static synchronized String ensureNoAudienceClient(KeycloakTestServer keycloak) {
        if (!noAudience) {
            create(keycloak, "test-no-audience", "[\"basic\"]", "{}");
            noAudience = true;
        }
        return SECRET;
    }

    private static void create(KeycloakTestServer keycloak, String clientId, String defaultScopes, String attributes) {
        String client = "{\"clientId\":\"" + clientId + "\",\"enabled\":true,\"publicClient\":false,"
                + "\"secret\":\"" + SECRET + "\",\"serviceAccountsEnabled\":true,\"standardFlowEnabled\":false,"
                + "\"fullScopeAllowed\":false,\"defaultClientScopes\":" + defaultScopes + ","
                + "\"optionalClientScopes\":[\"system/*.rs\"],\"attributes\":" + attributes + ","
                + "\"protocolMappers\":[{\"name\":\"hospital\",\"protocol\":\"openid-connect\","
                + "\"protocolMapper\":\"oidc-hardcoded-claim-mapper\",\"config\":{\"claim.name\":\"hospital\","
                + "\"claim.value\":\"north\",\"jsonType.label\":\"String\",\"access.token.claim\":\"true\"}}]}";
        var response = keycloak.admin("POST", "/clients", client);
        if (response.statusCode() != 201) {
            throw new IllegalStateException("Could not create " + clientId + ": " + response.body());
        }
    }
}
