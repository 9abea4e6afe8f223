package org.rehab.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.FhirServerIT;

/** Health, metrics and the OpenAPI description that operators and integrators use. */
class OperationsEndpointsIT extends FhirServerIT {

    @Test
    void healthIsUpWithTheDatabase() {
        HttpResponse<String> health = http(request("/actuator/health"));
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"");
        assertThat(http(request("/actuator/health/readiness")).statusCode()).isEqualTo(200);
    }

    @Test
    void prometheusExposesFhirRequestTimings() {
        http(request("/fhir/north/Patient?_count=1"));

        String metrics = http(request("/actuator/prometheus")).body();

        assertThat(metrics)
                .contains(
                        "fhir_requests_seconds_count{interaction=\"search-type\",resourceType=\"Patient\",status=\"200\"}");
    }

    @Test
    void openApiDescribesEveryTenantAsAServer() {
        HttpResponse<String> openApi = http(request("/fhir/api-docs"));

        assertThat(openApi.statusCode()).isEqualTo(200);
        assertThat(openApi.body())
                .contains("url: http://localhost:" + port + "/fhir/north")
                .contains("url: http://localhost:" + port + "/fhir/south");
    }

    @Test
    void swaggerUiIsServed() {
        HttpResponse<String> page = http(request("/fhir/swagger-ui/"));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).containsIgnoringCase("swagger");
    }
}
