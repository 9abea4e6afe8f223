package org.rehab.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Subscription;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.FhirServerIT;
import org.rehab.testsupport.RestHookReceiver;

/**
 * R4 rest-hook Subscriptions in a hospital: every new recommendation reaches the subscriber, through an outage of the
 * receiver, and nothing of another hospital does.
 */
class SubscriptionIT extends FhirServerIT {

    static final String NEW_RECOMMENDATIONS = "ServiceRequest?status=active&intent=proposal";

    @Test
    void subscriberReceivesEachNewRecommendationWithItsHeaders() throws Exception {
        try (RestHookReceiver receiver = RestHookReceiver.start()) {
            String hospital = createTenant("subs");
            Subscription created = subscribe(hospital, receiver.endpoint());
            assertThat(created.getStatus()).isEqualTo(Subscription.SubscriptionStatus.ACTIVE);
            loadDemoData(hospital);

            List<String> recommendations = recommend(hospital, "108", "105");

            eventually("every recommendation is notified", () -> receiver.paths()
                    .containsAll(
                            recommendations.stream().map(id -> "/notify/" + id).toList()));
            RestHookReceiver.Received one = receiver.accepted().get(0);
            assertThat(one.method()).isEqualTo("PUT");
            assertThat(one.authorization()).isEqualTo("Bearer receiver-secret");
            assertThat(one.body()).contains("\"resourceType\":\"ServiceRequest\"", "\"intent\":\"proposal\"");
        }
    }

    @Test
    void aReceiverOutageLosesNoNotification() throws Exception {
        try (RestHookReceiver receiver = RestHookReceiver.start()) {
            String hospital = createTenant("subsdown");
            subscribe(hospital, receiver.endpoint());
            loadDemoData(hospital);
            receiver.goDown();

            List<String> recommendations = recommend(hospital, "108", "105", "102");
            eventually("notifications were refused more than once", () -> receiver.refused() > recommendations.size());
            assertThat(receiver.accepted()).isEmpty();
            receiver.comeBack();

            eventually("every recommendation is notified after the outage", () -> receiver.paths()
                    .containsAll(
                            recommendations.stream().map(id -> "/notify/" + id).toList()));
        }
    }

    @Test
    void anotherHospitalsRecommendationsAreNeverNotified() throws Exception {
        try (RestHookReceiver receiver = RestHookReceiver.start()) {
            String hospital = createTenant("subsmine");
            String other = createTenant("subsother");
            subscribe(hospital, receiver.endpoint());
            loadDemoData(hospital);
            loadDemoData(other); // the same patient ids in another hospital

            List<String> others = recommend(other, "105");
            List<String> mine = recommend(hospital, "105");

            eventually("this hospital's recommendation is notified", () -> receiver.paths()
                    .containsAll(mine.stream().map(id -> "/notify/" + id).toList()));
            Thread.sleep(500);
            assertThat(receiver.paths()).hasSize(mine.size());
            assertThat(others).doesNotContainAnyElementsOf(mine);
        }
    }

    @Test
    void aReceiverThatNeverFinishesItsAnswerHoldsUpNoOtherHospital() throws Exception {
        try (TricklingReceiver stuck = TricklingReceiver.start();
                RestHookReceiver receiver = RestHookReceiver.start()) {
            String slow = createTenant("subsslow");
            String other = createTenant("subsfast");
            subscribe(slow, stuck.endpoint());
            subscribe(other, receiver.endpoint());
            loadDemoData(slow);
            loadDemoData(other);

            recommend(slow, "108", "105", "102");
            List<String> others = recommend(other, "105");

            eventually("the other hospital's recommendation is notified", () -> receiver.paths()
                    .containsAll(others.stream().map(id -> "/notify/" + id).toList()));
            eventually("the trickling receiver's notifications are tried again", () -> stuck.requests() > 4);
        }
    }

    @Test
    void aHospitalWithItsOwnAllowedEndpointsMayNotifyNoOther() {
        String hospital = createTenantNamed("subsconfined");

        assertRefused(hospital, subscription("http://127.0.0.1:9/notify"), "tenants.subsconfined.allowed-endpoints");
        MethodOutcome created = client(hospital)
                .create()
                .resource(subscription("http://127.0.0.1:9/confined/notify"))
                .execute();
        assertThat(created.getCreated()).isTrue();
    }

    @Test
    void aSubscriptionTheServerCannotHonourIsRefused() {
        String hospital = createTenant("subsbad");
        Subscription websocket = subscription("http://127.0.0.1:9/notify");
        websocket.getChannel().setType(Subscription.SubscriptionChannelType.WEBSOCKET);
        assertRefused(hospital, websocket, "rest-hook notifications only");

        assertRefused(hospital, subscription("http://169.254.169.254/latest/meta-data"), "allowed-endpoints");
        assertRefused(hospital, subscription("http://user:pw@127.0.0.1:9/notify"), "without user info");

        Subscription noType = subscription("http://127.0.0.1:9/notify");
        noType.setCriteria("?status=active");
        assertRefused(hospital, noType, "must be a search on a resource type");

        Subscription hostHeader = subscription("http://127.0.0.1:9/notify");
        hostHeader.getChannel().addHeader("Host: internal.example");
        assertRefused(hospital, hostHeader, "not a header the delivery sets itself");

        Subscription undeliverableHeader = subscription("http://127.0.0.1:9/notify");
        undeliverableHeader.getChannel().addHeader("X-Site: Nord\u2013Klinik");
        assertRefused(hospital, undeliverableHeader, "not a header the delivery sets itself");

        Subscription proxyRouting = subscription("http://127.0.0.1:9/notify");
        proxyRouting.getChannel().addHeader("X-Original-URL: /admin");
        assertRefused(hospital, proxyRouting, "not a header the delivery sets itself");

        assertRefused(hospital, subscription("http://127.0.0.1:9/hooks/%2e%2e/admin"), "allowed-endpoints");

        Subscription auditTrail = subscription("http://127.0.0.1:9/notify");
        auditTrail.setCriteria("AuditEvent?outcome=0");
        assertRefused(hospital, auditTrail, "the audit trail is read by administrators");

        Subscription xml = subscription("http://127.0.0.1:9/notify");
        xml.getChannel().setPayload("application/fhir+xml");
        assertRefused(hospital, xml, "application/fhir+json, or none");
    }

    private void assertRefused(String hospital, Subscription subscription, String why) {
        try {
            client(hospital).create().resource(subscription).execute();
            throw new AssertionError("Stored a Subscription that should be refused: " + why);
        } catch (UnprocessableEntityException refused) {
            assertThat(refused.getMessage()).contains(why);
        }
    }

    private Subscription subscribe(String hospital, String endpoint) {
        return (Subscription) client(hospital)
                .create()
                .resource(subscription(endpoint))
                .execute()
                .getResource();
    }

    static Subscription subscription(String endpoint) {
        Subscription subscription = new Subscription();
        subscription.setStatus(Subscription.SubscriptionStatus.REQUESTED);
        subscription.setReason("New rehabilitation recommendations");
        subscription.setCriteria(NEW_RECOMMENDATIONS);
        subscription
                .getChannel()
                .setType(Subscription.SubscriptionChannelType.RESTHOOK)
                .setEndpoint(endpoint)
                .setPayload("application/fhir+json")
                .addHeader("Authorization: Bearer receiver-secret");
        return subscription;
    }

    /** A receiver that answers 200 and then sends its body a byte a second, never ending it. */
    private static final class TricklingReceiver implements AutoCloseable {

        private final HttpServer server;
        private final AtomicInteger requests = new AtomicInteger();

        private TricklingReceiver(HttpServer server) {
            this.server = server;
        }

        static TricklingReceiver start() throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newCachedThreadPool());
            TricklingReceiver receiver = new TricklingReceiver(server);
            server.createContext("/", exchange -> {
                receiver.requests.incrementAndGet();
                exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(200, 0);
                try (var body = exchange.getResponseBody()) {
                    for (int i = 0; i < 120; i++) {
                        body.write(' ');
                        body.flush();
                        Thread.sleep(1_000);
                    }
                } catch (IOException | InterruptedException closed) {
                    // the server gave up on this answer
                }
            });
            server.start();
            return receiver;
        }

        String endpoint() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/notify";
        }

        int requests() {
            return requests.get();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** Evaluates the patients; the recommendations created, as {@code ServiceRequest/{id}}. */
    private List<String> recommend(String hospital, String... patients) {
        return List.of(patients).stream()
                .flatMap(patient -> evaluate(hospital, patient, false).getParameter().stream())
                .flatMap(parameter -> parameter.getPart().stream())
                .map(Parameters.ParametersParameterComponent::getResource)
                .filter(resource -> resource instanceof ServiceRequest)
                .map(Resource::getIdElement)
                .map(id -> "ServiceRequest/" + id.getIdPart())
                .distinct()
                .toList();
    }
}
