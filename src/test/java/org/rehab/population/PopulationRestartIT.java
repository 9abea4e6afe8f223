package org.rehab.population;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.ClinicalFixtures;
import org.rehab.testsupport.MllpTestPeer;
import org.rehab.testsupport.StandaloneServer;
import org.rehab.testsupport.TestPostgres;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A population evaluation that loses its server in the middle is finished by the next server to run: every patient
 * evaluated, no recommendation written twice, no alert sent twice.
 */
class PopulationRestartIT {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int PATIENTS = 60;
    private static final Pattern DONE = Pattern.compile("(\\d+) of (\\d+) patients");

    @Test
    void aRunInterruptedByARestartEvaluatesEveryPatientOnceAndAlertsOnce() throws Exception {
        String database = TestPostgres.createDatabase("rehab_population_restart");
        try (MllpTestPeer engine = MllpTestPeer.start()) {
            String statusPath;
            try (ConfigurableApplicationContext server = StandaloneServer.start(database)) {
                IGenericClient north = client(server);
                north.update().resource(engine.endpoint("engine")).execute();
                Bundle patients = new Bundle().setType(Bundle.BundleType.TRANSACTION);
                for (int i = 0; i < PATIENTS; i++) {
                    ClinicalFixtures.clinicalBundle("r" + i, "Restart")
                            .getEntry()
                            .forEach(patients::addEntry);
                }
                patients.getEntry().stream() // a BMI over 30: each patient gets a weight management programme
                        .map(Bundle.BundleEntryComponent::getResource)
                        .filter(Observation.class::isInstance)
                        .map(Observation.class::cast)
                        .forEach(bmi -> bmi.setEffective(DateTimeType.now())
                                .setValue(new Quantity()
                                        .setValue(32)
                                        .setUnit("kg/m2")
                                        .setSystem("http://unitsofmeasure.org")
                                        .setCode("kg/m2")));
                north.transaction().withBundle(patients).execute();
                HttpResponse<String> started = HTTP.send(
                        HttpRequest.newBuilder(URI.create(base(server) + "/Patient/$evaluate"))
                                .header("Prefer", "respond-async")
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
                String status = started.headers().firstValue("Content-Location").orElseThrow();
                statusPath = status.substring(status.indexOf("/fhir/"));
                eventually(() -> done(server, statusPath) >= 5);
                assertThat(done(server, statusPath)).as("stopped in the middle").isLessThan(PATIENTS);
            }

            try (ConfigurableApplicationContext server = StandaloneServer.start(database)) {
                HttpResponse<String>[] last = new HttpResponse[1];
                eventually(() -> (last[0] = get(server, statusPath)).statusCode() == 200);
                Parameters report = FHIR.newJsonParser().parseResource(Parameters.class, last[0].body());
                assertThat(integer(report, "evaluated")).isEqualTo(PATIENTS);
                assertThat(integer(report, "failed")).isZero();
                assertThat(report.getParameters("patient")).hasSize(PATIENTS);

                List<ServiceRequest> recommendations = allRecommendations(client(server));
                Map<String, Integer> perPatientAndCode = new HashMap<>();
                recommendations.forEach(request -> perPatientAndCode.merge(
                        request.getSubject().getReference() + " "
                                + request.getCode().getCodingFirstRep().getCode(),
                        1,
                        Integer::sum));
                assertThat(perPatientAndCode.values())
                        .as("no recommendation written twice")
                        .containsOnly(1);
                assertThat(perPatientAndCode.keySet().stream()
                                .map(key -> key.split(" ")[0])
                                .distinct()
                                .count())
                        .as("every patient has their recommendations")
                        .isEqualTo(PATIENTS);

                eventually(() -> engine.accepted().size() >= recommendations.size());
                Thread.sleep(1_000);
                assertThat(engine.received().stream()
                                .map(MllpTestPeer.Received::controlId)
                                .distinct()
                                .count())
                        .as("one alert per recommendation")
                        .isEqualTo(recommendations.size());
                assertThat(engine.accepted()).hasSize(recommendations.size());
            }
        }
    }

    /** Every ServiceRequest of the tenant, page after page. */
    private static List<ServiceRequest> allRecommendations(IGenericClient client) {
        List<ServiceRequest> all = new ArrayList<>();
        Bundle page = client.search()
                .forResource(ServiceRequest.class)
                .count(100)
                .returnBundle(Bundle.class)
                .execute();
        while (true) {
            page.getEntry().forEach(entry -> all.add((ServiceRequest) entry.getResource()));
            if (page.getLink(Bundle.LINK_NEXT) == null) {
                return all;
            }
            page = client.loadPage().next(page).execute();
        }
    }

    private static long done(ConfigurableApplicationContext server, String statusPath) {
        HttpResponse<String> status = get(server, statusPath);
        Matcher progress =
                DONE.matcher(status.headers().firstValue("X-Progress").orElse(""));
        return progress.find() ? Long.parseLong(progress.group(1)) : status.statusCode() == 200 ? PATIENTS : 0;
    }

    private static String base(ConfigurableApplicationContext server) {
        return "http://localhost:"
                + ((WebServerApplicationContext) server).getWebServer().getPort() + "/fhir/north";
    }

    private static IGenericClient client(ConfigurableApplicationContext server) {
        FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        FHIR.getRestfulClientFactory().setSocketTimeout(120_000);
        return FHIR.newRestfulGenericClient(base(server));
    }

    private static HttpResponse<String> get(ConfigurableApplicationContext server, String path) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create(base(server).replace("/fhir/north", "") + path))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int integer(Parameters report, String name) {
        return ((IntegerType) report.getParameter(name).getValue()).getValue();
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("waited 90 s").isBefore(deadline);
            Thread.sleep(50);
        }
    }
}
