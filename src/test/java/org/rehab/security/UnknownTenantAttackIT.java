package org.rehab.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rehab.testsupport.SecuredServerIT;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Finding 8: requests that never reached a tenant leave no audit journal row and no ERROR line, so unauthenticated
 * requests cannot grow the database or the logs.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnknownTenantAttackIT extends SecuredServerIT {

    @Autowired
    private JdbcTemplate jdbc;

    @Test
    void unauthenticatedRequestsToUnknownTenantsLeaveNoTrace(CapturedOutput output) {
        int before = journalRows();

        for (int i = 0; i < 20; i++) {
            assertRefused(get("/fhir/junk" + i + "/Patient", null), 401, "access token");
        }
        assertRefused(get("/fhir/api-docs", null), 401, "access token");

        assertThat(journalRows()).isEqualTo(before);
        assertThat(output.getAll()).doesNotContain("\"log.level\":\"ERROR\"");
    }

    private int journalRows() {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM rehab_audit_journal WHERE tenant LIKE 'junk%' OR tenant"
                        + " = 'api-docs' OR parked",
                Integer.class);
    }
}
