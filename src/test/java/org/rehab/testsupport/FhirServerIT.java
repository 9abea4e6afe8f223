package org.rehab.testsupport;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.rehab.demo.LoadDemoData;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

/**
 * Base of the integration tests: the whole server on a random port, on a real PostgreSQL (or on the embedded H2
 * default, see {@link TestServerInitializer}). Every subclass shares one Spring context (one server start per
 * database), so tests use their own resource ids.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ContextConfiguration(initializers = TestServerInitializer.class)
public abstract class FhirServerIT {

    protected static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final AtomicInteger NEXT_PARTITION_ID = new AtomicInteger(100);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static {
        FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        FHIR.getRestfulClientFactory().setSocketTimeout(120_000);
    }

    @LocalServerPort
    protected int port;

    protected String baseUrl() {
        return "http://localhost:" + port + "/fhir";
    }

    protected IGenericClient client(String tenant) {
        return FHIR.newRestfulGenericClient(baseUrl() + "/" + tenant);
    }

    /** A raw HTTP exchange with the server, for requests a FHIR client would refuse to send. */
    protected HttpResponse<String> http(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    protected HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
    }

    /** Registers a new hospital tenant with HAPI's partition-management operation, as an administrator would. */
    protected String createTenant(String prefix) {
        return createTenantNamed(prefix + Long.toHexString(System.nanoTime()));
    }

    /** A tenant with exactly this name, for settings that name it. */
    protected String createTenantNamed(String name) {
        Parameters parameters = new Parameters();
        parameters.addParameter().setName("id").setValue(new IntegerType(NEXT_PARTITION_ID.incrementAndGet()));
        parameters.addParameter().setName("name").setValue(new CodeType(name));
        client("DEFAULT")
                .operation()
                .onServer()
                .named("$partition-management-create-partition")
                .withParameters(parameters)
                .execute();
        return name;
    }

    /**
     * Loads the Synthea corpus of src/test/resources/synthea into a tenant, as Synthea wrote it: the hospitals and
     * the practitioners first, then the two patients' bundles.
     */
    protected void loadSynthea(String tenant) {
        for (String bundle :
                List.of("hospitalInformation", "practitionerInformation", "patient-living", "patient-deceased")) {
            client(tenant)
                    .transaction()
                    .withBundle(SyntheaFixtures.read(bundle))
                    .execute();
        }
    }

    /** The ids of a tenant's patients (the first page of 20). */
    protected List<String> patientIds(String tenant) {
        return client(tenant)
                .search()
                .forResource(Patient.class)
                .returnBundle(Bundle.class)
                .execute()
                .getEntry()
                .stream()
                .map(entry -> entry.getResource().getIdElement().getIdPart())
                .toList();
    }

    /** Loads the demo patients 102, 105 and 108 into a tenant, as the documented demo command does. */
    protected void loadDemoData(String tenant) {
        try {
            String template = Files.readString(Path.of("src/demo/demo-patients.json"));
            String bundle = LoadDemoData.withDates(template, OffsetDateTime.now(ZoneOffset.UTC));
            client(tenant).transaction().withBundle(bundle).execute();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code POST Patient/{id}/$evaluate}. */
    protected Parameters evaluate(String tenant, String patientId, boolean dryRun) {
        Parameters input = new Parameters();
        if (dryRun) {
            input.addParameter("dryRun", new BooleanType(true));
        }
        return client(tenant)
                .operation()
                .onInstance("Patient/" + patientId)
                .named("$evaluate")
                .withParameters(input)
                .execute();
    }

    /** The tenant's Communications: the delivery state of its HL7 alerts. */
    protected List<Communication> communications(String tenant) {
        return client(tenant)
                .search()
                .forResource(Communication.class)
                .returnBundle(Bundle.class)
                .execute()
                .getEntry()
                .stream()
                .map(entry -> (Communication) entry.getResource())
                .toList();
    }

    /** A therapist's decision on a recommendation: the ServiceRequest as stored, with this status. */
    protected void close(String tenant, ServiceRequest recommendation, ServiceRequest.ServiceRequestStatus status) {
        ServiceRequest stored = client(tenant)
                .read()
                .resource(ServiceRequest.class)
                .withId(recommendation.getIdElement().getIdPart())
                .execute();
        stored.setStatus(status);
        client(tenant).update().resource(stored).execute();
    }

    /** Waits up to 30 s for a condition that the server brings about in the background. */
    protected static void eventually(String what, BooleanSupplier condition) {
        Instant deadline = Instant.now().plusSeconds(30);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Still not true after 30 s: " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The codes of the patient's active recommendations, sorted. */
    protected List<String> activeCodes(String tenant, String patient) {
        return client(tenant)
                .search()
                .byUrl("ServiceRequest?patient=" + patient + "&status=active")
                .returnBundle(Bundle.class)
                .execute()
                .getEntry()
                .stream()
                .map(entry -> ((ServiceRequest) entry.getResource())
                        .getCode()
                        .getCodingFirstRep()
                        .getCode())
                .sorted()
                .toList();
    }

    /** A fresh id for this test's resources, so that tests sharing the server do not meet. */
    /** The errors HAPI's {@code $validate} finds in a resource, as a client's write of it would meet them. */
    protected List<OperationOutcome.OperationOutcomeIssueComponent> validationErrors(String tenant, Resource resource) {
        OperationOutcome outcome;
        try {
            outcome = (OperationOutcome)
                    client(tenant).validate().resource(resource).execute().getOperationOutcome();
        } catch (BaseServerResponseException refused) {
            outcome = (OperationOutcome) refused.getOperationOutcome();
        }
        return outcome.getIssue().stream()
                .filter(issue -> issue.getSeverity() == OperationOutcome.IssueSeverity.ERROR
                        || issue.getSeverity() == OperationOutcome.IssueSeverity.FATAL)
                .toList();
    }

    protected static String uniqueId(String prefix) {
        return prefix + "-" + Long.toHexString(System.nanoTime());
    }
}
