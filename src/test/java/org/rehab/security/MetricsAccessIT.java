package org.rehab.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.SecuredServerIT;

/** The metrics are for operations staff: a scraper's service account (role monitoring) and administrators. */
class MetricsAccessIT extends SecuredServerIT {

    @Test
    void metricsScraperReadsTheMetrics() {
        String scraper = tokens.clientSecretToken("metrics-scraper", "metrics-scraper-demo-secret", "");

        HttpResponse<String> metrics = metrics(scraper);

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes");
    }

    @Test
    void administratorsReadTheMetrics() {
        assertThat(metrics(tokens.userToken("north-admin", "openid user/*.rs")).statusCode())
                .isEqualTo(200);
    }

    @Test
    void therapistsPatientsAndEhrsDoNotReadTheMetrics() {
        for (String token : new String[] {
            tokens.userToken("north-therapist", "openid user/*.rs"),
            tokens.userToken("patient-108", "openid launch/patient patient/*.rs"),
            southEhr("system/*.rs")
        }) {
            HttpResponse<String> refused = metrics(token);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("OperationOutcome").contains("monitoring");
        }
        assertThat(metrics(null).statusCode()).isEqualTo(401);
    }

    /** As Prometheus asks: plain text, with the bearer token if any. */
    private HttpResponse<String> metrics(String token) {
        var request = request("/actuator/prometheus").header("Accept", "text/plain");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return exchange(request);
    }

    @Test
    void metricsScraperReachesNoPatientData() {
        String scraper = tokens.clientSecretToken("metrics-scraper", "metrics-scraper-demo-secret", "");

        assertThat(get("/fhir/north/Patient", scraper).statusCode()).isEqualTo(403);
    }
}
