package org.rehab.recommendation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.rehab.RehabServerApplication;
import org.rehab.testsupport.FhirServerIT;
import org.rehab.testsupport.MllpTestPeer;
import org.rehab.testsupport.TestServerInitializer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/** Two server instances on one PostgreSQL database: recommendations are written once, and writes seen by both. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoInstancesIT extends FhirServerIT {

    @Autowired
    Environment environment;

    private ConfigurableApplicationContext second;

    @BeforeAll
    void startASecondInstanceOnTheSameDatabase() {
        assumeFalse(TestServerInitializer.onH2(), "an H2 file database serves one instance");
        // Command-line arguments: they take precedence over application.yaml, as a deployment's settings would.
        second = new SpringApplicationBuilder(RehabServerApplication.class)
                .run(
                        "--server.port=0",
                        "--rehab.security.enabled=false",
                        "--spring.datasource.url=" + environment.getProperty("spring.datasource.url"),
                        "--spring.datasource.username=" + environment.getProperty("spring.datasource.username"),
                        "--spring.datasource.password=" + environment.getProperty("spring.datasource.password"),
                        "--rehab.recommendation.rules-directory=" + TestServerInitializer.rulesDirectory());
        assertThat(second.getEnvironment().getProperty("spring.datasource.url"))
                .isEqualTo(environment.getProperty("spring.datasource.url"));
    }

    @AfterAll
    void stopTheSecondInstance() {
        if (second != null) {
            second.close();
        }
    }

    @Test
    void evaluationsRacingOnTwoInstancesWriteEachRecommendationOnce() throws Exception {
        String tenant = createTenant("two");
        loadDemoData(tenant);
        List<IGenericClient> instances = List.of(client(tenant), secondClient(tenant));
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Parameters>> evaluations = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            IGenericClient instance = instances.get(i % 2);
            evaluations.add(() -> {
                start.await();
                return instance.operation()
                        .onInstance("Patient/108")
                        .named("$evaluate")
                        .withNoParameters(Parameters.class)
                        .execute();
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<Parameters>> futures =
                evaluations.stream().map(pool::submit).toList();
        start.countDown();
        for (Future<Parameters> future : futures) {
            assertThat(new EvaluationView(future.get()).codes()).containsExactly("52052004", "91251008");
        }
        pool.shutdown();

        Bundle requests = client(tenant)
                .search()
                .byUrl("ServiceRequest?patient=108")
                .returnBundle(Bundle.class)
                .execute();
        assertThat(requests.getEntry()).hasSize(2);
    }

    @Test
    void dataWrittenOnOneInstanceIsSeenByTheOthersNextEvaluation() {
        String tenant = createTenant("seen");
        client(tenant)
                .update()
                .resource(new Patient()
                        .setBirthDateElement(new DateType("1940-05-05"))
                        .setId("p1"))
                .execute();
        assertThat(new EvaluationView(evaluate(tenant, "p1", true)).codes()).isEmpty();

        Condition pain = new Condition();
        pain.setClinicalStatus(new CodeableConcept(
                new Coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", null)));
        pain.setCode(new CodeableConcept(new Coding("http://snomed.info/sct", "82423001", "Chronic pain")));
        pain.setSubject(new Reference("Patient/p1"));
        secondClient(tenant).create().resource(pain).execute();

        assertThat(new EvaluationView(evaluate(tenant, "p1", true)).codes()).containsExactly("91251008");
    }

    @Test
    void alertsDeliveredByTwoInstancesAreAcceptedOnceEach() throws Exception {
        String tenant = createTenant("alerts");
        try (MllpTestPeer engine = MllpTestPeer.start()) {
            client(tenant).update().resource(engine.endpoint("engine")).execute();
            engine.goDown();
            List<String> patients = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String patient = "p" + i;
                client(tenant)
                        .update()
                        .resource(new Patient()
                                .setBirthDateElement(new DateType("1940-05-05"))
                                .setId(patient))
                        .execute();
                Condition pain = new Condition();
                pain.setClinicalStatus(new CodeableConcept(
                        new Coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", null)));
                pain.setCode(new CodeableConcept(new Coding("http://snomed.info/sct", "82423001", "Chronic pain")));
                pain.setSubject(new Reference("Patient/" + patient));
                client(tenant).create().resource(pain).execute();
                (i % 2 == 0 ? client(tenant) : secondClient(tenant))
                        .operation()
                        .onInstance("Patient/" + patient)
                        .named("$evaluate")
                        .withNoParameters(Parameters.class)
                        .execute();
                patients.add(patient);
            }

            engine.comeBack();

            eventually("12 alerts accepted", () -> engine.accepted().size() >= 12);
            Thread.sleep(2000);
            assertThat(engine.accepted()).hasSize(12).doesNotHaveDuplicates();
            assertThat(engine.received()).hasSize(12);
        }
    }

    private IGenericClient secondClient(String tenant) {
        int port = ((WebServerApplicationContext) second).getWebServer().getPort();
        return FHIR.newRestfulGenericClient("http://localhost:" + port + "/fhir/" + tenant);
    }
}
