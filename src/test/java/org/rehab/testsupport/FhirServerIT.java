package org.rehab.testsupport;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

/**
 * Base of the integration tests: the whole server on a random port, on a real PostgreSQL (or on the embedded H2
 * default, see {@link TestDatabaseInitializer}). Every subclass shares one Spring context (one server start per
 * database), so tests use their own resource ids.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
public abstract class FhirServerIT {

    protected static final FhirContext FHIR = FhirContext.forR4Cached();
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

    /** A fresh id for this test's resources, so that tests sharing the server do not meet. */
    protected static String uniqueId(String prefix) {
        return prefix + "-" + Long.toHexString(System.nanoTime());
    }
}
