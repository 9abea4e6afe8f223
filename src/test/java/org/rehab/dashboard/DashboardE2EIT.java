package org.rehab.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.SecuredServerIT;

/**
 * The dashboard end to end: headless Chromium (Debian's, driven by playwright-core) against this server with
 * security on and the real Keycloak. The scenarios are in src/dashboard/e2e/dashboard.e2e.mjs; screenshots of each
 * screen go to target/screenshots.
 */
class DashboardE2EIT extends SecuredServerIT {

    @Test
    void therapistWorksThroughTheirPatientsAndAPatientSeesTheirOwn() throws Exception {
        hospitalsWithPatients();
        String ehr = northEhr("system/*.cruds");
        // An active condition that is not chronic pain by the hospital's criteria: the chronic-pain card leaves it out.
        require(
                send(
                        "PUT",
                        "/fhir/north/Condition/108-hypertension",
                        ehr,
                        "{\"resourceType\":\"Condition\",\"id\":\"108-hypertension\",\"clinicalStatus\":{\"coding\":[{"
                                + "\"system\":\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":"
                                + "\"active\"}]},\"verificationStatus\":{\"coding\":[{\"system\":"
                                + "\"http://terminology.hl7.org/CodeSystem/condition-ver-status\",\"code\":\"confirmed\"}]},"
                                + "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"38341003\","
                                + "\"display\":\"Hypertensive disorder\"}]},\"subject\":{\"reference\":\"Patient/108\"}}"),
                201);
        for (String patient : new String[] {"102", "105", "108"}) {
            require(send("POST", "/fhir/north/Patient/" + patient + "/$evaluate", ehr, null), 200);
        }
        String dashboard = "http://localhost:" + port + "/dashboard/";
        DashboardClient.allowRedirectTo(keycloak, dashboard);
        Path screenshots = Path.of("target", "screenshots").toAbsolutePath();
        if (Files.isDirectory(screenshots)) {
            try (var old = Files.list(screenshots)) {
                for (Path file : old.toList()) {
                    Files.delete(file); // a screen this run did not save must not pass for one
                }
            }
        }

        ProcessBuilder node = new ProcessBuilder("node", "e2e/dashboard.e2e.mjs")
                .directory(Path.of("src/dashboard").toFile())
                .redirectErrorStream(true);
        node.environment().put("DASHBOARD_URL", dashboard);
        node.environment().put("SCREENSHOTS", screenshots.toString());
        Process process = node.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();

        assertThat(output).contains("ok - all scenarios").doesNotContain("not ok");
        assertThat(process.exitValue()).as(output).isZero();
        for (String screen : new String[] {
            "1-worklist.png",
            "2-patient-108.png",
            "3-re-evaluated.png",
            "4-declined.png",
            "5-accepted.png",
            "6-session-ended.png",
            "7-patient-home-phone.png",
            "8-population-evaluated.png",
            "9-candidate-compared.png"
        }) {
            assertThat(size(screenshots.resolve(screen))).as(screen).isGreaterThan(5_000);
        }
    }

    private static long size(Path file) throws IOException {
        return Files.exists(file) ? Files.size(file) : 0;
    }
}
