package org.rehab.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.SecuredServerIT;

/**
 * Finding 3: tenants are managed at platform level only, and a tenant's name and id never change, so no hospital
 * can take over another's data by renaming partitions.
 */
class TenantTakeoverAttackIT extends SecuredServerIT {

    private static final String RENAME_NORTH =
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"id\",\"valueInteger\":1},"
                    + "{\"name\":\"name\",\"valueCode\":\"northold\"}]}";
    private static final String RENAME_SOUTH_TO_NORTH =
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"id\",\"valueInteger\":2},"
                    + "{\"name\":\"name\",\"valueCode\":\"north\"}]}";

    @Test
    void hospitalAdministratorCannotRenameOrManageTenants() {
        hospitalsWithPatients();
        String northAdmin = tokens.userToken("north-admin", "openid user/*.cruds");

        assertRefused(update(northAdmin, RENAME_NORTH), 403, "platform");
        assertRefused(update(northAdmin, RENAME_SOUTH_TO_NORTH), 403, "platform");
        assertRefused(
                send("POST", "/fhir/DEFAULT/$partition-management-list-partitions", northAdmin, null), 403, "platform");
        assertThat(get("/fhir/north/Patient/108", tokens.userToken("north-therapist", "openid user/*.rs"))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void evenPlatformAdministratorCannotChangeATenantsName() {
        String platform = tokens.userToken("platform-admin", "openid");

        assertRefused(update(platform, RENAME_NORTH), 422, "name");
        assertThat(send("POST", "/fhir/DEFAULT/$partition-management-list-partitions", platform, null)
                        .body())
                .contains("\"north\"")
                .contains("\"south\"");
    }

    private HttpResponse<String> update(String token, String parameters) {
        return send("POST", "/fhir/DEFAULT/$partition-management-update-partition", token, parameters);
    }
}
