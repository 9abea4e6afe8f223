package org.rehab.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.FhirServerIT;
import org.rehab.testsupport.MllpTestPeer;
import org.rehab.testsupport.MllpTestPeer.Answer;
import org.rehab.testsupport.MllpTestPeer.Received;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Recommendations reach the hospital's interface engine, a real MLLP peer on loopback whose answers are scripted. */
class AlertDeliveryIT extends FhirServerIT {

    private static final HapiContext HL7 = new DefaultHapiContext(ValidationContextFactory.defaultValidation());

    @Autowired
    private JdbcTemplate jdbc;

    @Autowired
    private PlatformTransactionManager transactions;

    private TransactionTemplate transaction;
    private MllpTestPeer engine;
    private String tenant;

    @BeforeEach
    void hospitalWithAnInterfaceEngine() throws IOException {
        transaction = new TransactionTemplate(transactions);
        engine = MllpTestPeer.start();
        tenant = createTenant("hl7");
        client(tenant).update().resource(engine.endpoint("engine")).execute();
        loadDemoData(tenant);
    }

    @AfterEach
    void stopTheEngine() throws IOException {
        engine.close();
    }

    @Test
    void evaluationOfPatient108PutsTwoOmgO19OnTheEngineEachAcknowledgedOnce() throws Exception {
        evaluate(tenant, "108", false);

        eventually("two alerts accepted", () -> engine.accepted().size() == 2);
        eventually(
                "two Communications completed",
                () -> communications(tenant).stream()
                                .filter(c -> c.getStatus() == Communication.CommunicationStatus.COMPLETED)
                                .count()
                        == 2);
        assertThat(engine.received()).hasSize(2);
        assertThat(engine.accepted()).doesNotHaveDuplicates();
        List<String> services = engine.received().stream()
                .map(r -> field(r, "/ORDER/OBR-4-1"))
                .sorted()
                .toList();
        assertThat(services).containsExactly("52052004", "91251008");
        for (Received received : engine.received()) {
            assertThat(field(received, "/MSH-9-1") + "^" + field(received, "/MSH-9-2"))
                    .isEqualTo("OMG^O19");
            assertThat(field(received, "/ORDER/ORC-1")).isEqualTo("NW");
            assertThat(field(received, "/PATIENT/PID-3(0)-1")).isEqualTo("N108");
        }
        for (Communication communication : communications(tenant)) {
            assertThat(communication.getBasedOnFirstRep().getReference()).startsWith("ServiceRequest/");
            assertThat(communication.getIdentifierFirstRep().getValue()).isIn(engine.accepted());
            assertThat(delivery(communication, "ackCode")).isEqualTo("AA");
            assertThat(delivery(communication, "attempts")).isEqualTo("1");
            assertThat(validationErrors(tenant, communication)).isEmpty();
        }
    }

    @Test
    void anAlertWhoseCommunicationCannotBeWrittenIsStillRecordedDeliveredAndTheOthersWithIt() {
        // The engine takes its time, and meanwhile one recommendation is deleted: its alert's Communication, which
        // is based on it, can no longer be written when the round is recorded.
        engine.script(Answer.slow("AA", Duration.ofMillis(900)), Answer.slow("AA", Duration.ofMillis(900)));
        evaluate(tenant, "108", false);
        ServiceRequest postOp = (ServiceRequest) client(tenant)
                .search()
                .byUrl("ServiceRequest?patient=108&code=52052004&status=active")
                .returnBundle(Bundle.class)
                .execute()
                .getEntryFirstRep()
                .getResource();
        client(tenant)
                .delete()
                .resourceConditionalByUrl("Provenance?target=ServiceRequest/"
                        + postOp.getIdElement().getIdPart())
                .execute();
        client(tenant).delete().resource(postOp).execute();

        eventually(
                "both alerts of the evaluation recorded delivered",
                () -> jdbc.queryForObject(
                                "SELECT COUNT(*) FROM rehab_alert WHERE tenant = ? AND order_control = 'NW'"
                                        + " AND status = 'DELIVERED'",
                                Integer.class,
                                tenant)
                        == 2);
        eventually("the other alert's Communication completed", () -> communications(tenant).stream()
                .anyMatch(c -> c.getStatus() == Communication.CommunicationStatus.COMPLETED
                        && !c.getBasedOnFirstRep()
                                .getReference()
                                .equals("ServiceRequest/"
                                        + postOp.getIdElement().getIdPart())));
        assertThat(engine.accepted()).doesNotHaveDuplicates();
    }

    @Test
    void rejectedMessageIsSentAgainUnderTheSameControlIdUntilAccepted() {
        engine.script(Answer.ack("AR"));

        evaluate(tenant, "105", false);

        eventually("the alert accepted", () -> engine.accepted().size() == 1);
        assertThat(engine.received()).extracting(Received::answered).containsExactly("AR", "AA");
        assertThat(engine.received())
                .extracting(Received::controlId)
                .containsOnly(engine.accepted().get(0));
        eventually("the Communication completed after two attempts", () -> communications(tenant).stream()
                .anyMatch(c -> c.getStatus() == Communication.CommunicationStatus.COMPLETED
                        && "2".equals(delivery(c, "attempts"))));
    }

    @Test
    void alertWrittenWhileTheEngineIsDownIsDeliveredWhenItComesBack() throws Exception {
        engine.goDown();

        evaluate(tenant, "105", false);

        eventually("the Communication shows a failed attempt", () -> communications(tenant).stream()
                .anyMatch(c -> c.getStatus() == Communication.CommunicationStatus.INPROGRESS
                        && !"0".equals(delivery(c, "attempts"))
                        && c.hasNote()));
        engine.comeBack();
        eventually("the alert accepted", () -> engine.accepted().size() == 1);
        Thread.sleep(500);
        assertThat(engine.received()).hasSize(1);
    }

    @Test
    void contentErrorIsParkedAndSentAgainWhenAPersonAsks() throws Exception {
        engine.script(Answer.ack("AE"));
        evaluate(tenant, "105", false);
        eventually("the Communication not-done", () -> communications(tenant).stream()
                .anyMatch(c -> c.getStatus() == Communication.CommunicationStatus.NOTDONE));
        Thread.sleep(1000);
        assertThat(engine.received()).hasSize(1);
        Communication parked = communications(tenant).get(0);
        assertThat(delivery(parked, "ackCode")).isEqualTo("AE");
        assertThat(parked.getNoteFirstRep().getText()).isEqualTo("Unknown procedure code");

        OperationOutcome outcome = client(tenant)
                .operation()
                .onInstance("Communication/" + parked.getIdElement().getIdPart())
                .named("$resend")
                .withNoParameters(Parameters.class)
                .returnResourceType(OperationOutcome.class)
                .execute();

        assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("queued to be sent again");
        eventually("the alert accepted", () -> engine.accepted().size() == 1);
        assertThat(engine.received())
                .extracting(Received::controlId)
                .containsOnly(engine.accepted().get(0));
        eventually(
                "the Communication completed",
                () -> communications(tenant).get(0).getStatus() == Communication.CommunicationStatus.COMPLETED);
    }

    @Test
    void anotherHospitalCannotResendThisHospitalsAlert() throws Exception {
        engine.script(Answer.ack("AE"));
        evaluate(tenant, "105", false);
        eventually("the Communication not-done", () -> communications(tenant).stream()
                .anyMatch(c -> c.getStatus() == Communication.CommunicationStatus.NOTDONE));
        String parked = communications(tenant).get(0).getIdElement().getIdPart();
        String other = createTenant("other");

        HttpResponse<String> answer = http(request("/fhir/" + other + "/Communication/" + parked + "/$resend")
                .POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(answer.body()).contains("OperationOutcome");
        Thread.sleep(1000);
        assertThat(engine.received()).hasSize(1);
        assertThat(communications(tenant).get(0).getStatus()).isEqualTo(Communication.CommunicationStatus.NOTDONE);
    }

    @Test
    void slowEngineTimesOutAndTheAlertIsSentAgain() {
        engine.script(Answer.slow("AA", Duration.ofMillis(2500)));

        evaluate(tenant, "105", false);

        eventually("the alert delivered", () -> communications(tenant).stream()
                .anyMatch(c -> c.getStatus() == Communication.CommunicationStatus.COMPLETED));
        assertThat(engine.received()).hasSize(2);
        assertThat(engine.received())
                .extracting(Received::controlId)
                .containsOnly(engine.received().get(0).controlId());
        assertThat(delivery(communications(tenant).get(0), "attempts")).isEqualTo("2");
    }

    @Test
    void revokedAndCompletedRecommendationsFollowTheNewOneInOrder() throws Exception {
        engine.goDown();
        Parameters result = evaluate(tenant, "108", false);
        List<ServiceRequest> created = result.getParameter().stream()
                .filter(p -> p.getName().equals("recommendation"))
                .map(p -> (ServiceRequest) p.getPart().stream()
                        .filter(q -> q.getName().equals("serviceRequest"))
                        .findFirst()
                        .orElseThrow()
                        .getResource())
                .toList();
        close(tenant, created.get(0), ServiceRequest.ServiceRequestStatus.REVOKED);
        close(tenant, created.get(1), ServiceRequest.ServiceRequestStatus.COMPLETED);

        engine.comeBack();

        eventually("four alerts accepted", () -> engine.accepted().size() == 4);
        for (ServiceRequest request : created) {
            List<String> controls = engine.received().stream()
                    .filter(r -> field(r, "/ORDER/ORC-2")
                            .equals(request.getIdElement().getIdPart()))
                    .map(Received::orderControl)
                    .toList();
            assertThat(controls.get(0)).isEqualTo("NW");
            assertThat(controls).hasSize(2);
        }
        assertThat(engine.received()).extracting(Received::orderControl).contains("CA", "SC");
        Received completed = engine.received().stream()
                .filter(r -> r.orderControl().equals("SC"))
                .findFirst()
                .orElseThrow();
        assertThat(field(completed, "/ORDER/ORC-5")).isEqualTo("CM");
    }

    @Test
    void refusedWriteRecordsNoAlert() throws Exception {
        Parameters result = evaluate(tenant, "105", false);
        eventually("the first alert accepted", () -> engine.accepted().size() == 1);
        ServiceRequest copy = (ServiceRequest) result.getParameter("recommendation").getPart().stream()
                .filter(q -> q.getName().equals("serviceRequest"))
                .findFirst()
                .orElseThrow()
                .getResource()
                .copy();
        copy.setId((String) null);
        copy.setRelevantHistory(List.of());

        assertThatThrownBy(() -> client(tenant).create().resource(copy).execute())
                .isInstanceOf(ResourceVersionConflictException.class);

        Thread.sleep(1000);
        assertThat(engine.received()).hasSize(1);
    }

    @Test
    void endpointsChangedOverRestApplyAtOnce() throws Exception {
        Endpoint engineEndpoint =
                client(tenant).read().resource(Endpoint.class).withId("engine").execute();
        engineEndpoint.setStatus(Endpoint.EndpointStatus.OFF);
        client(tenant).update().resource(engineEndpoint).execute();
        try (MllpTestPeer older = MllpTestPeer.start()) {
            Endpoint asksForOrm = older.endpoint("older-engine");
            asksForOrm.setPayloadType(List.of(
                    new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v2-0076", "ORM", null))));
            client(tenant).update().resource(asksForOrm).execute();

            evaluate(tenant, "105", false);

            eventually(
                    "the alert accepted by the older engine",
                    () -> older.accepted().size() == 1);
            Received received = older.received().get(0);
            assertThat(field(received, "/MSH-9-1") + "^" + field(received, "/MSH-9-2"))
                    .isEqualTo("ORM^O01");
            assertThat(engine.received()).isEmpty();
        }
    }

    @Test
    void anAlertWhoseMessageCannotBeBuiltIsParkedAndTheRecommendationIsKept() throws Exception {
        Patient patient =
                client(tenant).read().resource(Patient.class).withId("105").execute();
        Coding unbuildable = new Coding().setCode("T".repeat(300)); // PID-3.5 carries at most 200 characters
        patient.getIdentifierFirstRep().getType().getCoding().add(0, unbuildable);
        client(tenant).update().resource(patient).execute();

        Parameters result = evaluate(tenant, "105", false);

        assertThat(activeCodes(tenant, "105")).hasSize(1);
        assertThat(result.getParameter("recommendation")).isNotNull();
        eventually("the Communication parked", () -> communications(tenant).stream()
                .anyMatch(c -> c.getStatus() == Communication.CommunicationStatus.NOTDONE));
        Communication parked = communications(tenant).get(0);
        assertThat(parked.getStatusReason().getText()).contains("could not be built");
        assertThat(parked.getNoteFirstRep().getText()).startsWith("The message could not be built");
        assertThat(parked.hasPayload()).isFalse();
        assertThat(parked.getBasedOnFirstRep().getReference()).startsWith("ServiceRequest/");
        assertThat(engine.received()).isEmpty();
        assertThat(validationErrors(tenant, parked)).isEmpty();

        Patient mended =
                client(tenant).read().resource(Patient.class).withId("105").execute();
        mended.getIdentifierFirstRep().getType().getCoding().removeIf(coding -> unbuildable
                .getCode()
                .equals(coding.getCode()));
        client(tenant).update().resource(mended).execute();
        client(tenant)
                .operation()
                .onInstance("Communication/" + parked.getIdElement().getIdPart())
                .named("$resend")
                .withNoParameters(Parameters.class)
                .returnResourceType(OperationOutcome.class)
                .execute();

        eventually("the alert accepted", () -> engine.accepted().size() == 1);
        assertThat(engine.accepted())
                .containsExactly(parked.getIdentifierFirstRep().getValue());
        eventually(
                "the same Communication completed",
                () -> communications(tenant).size() == 1
                        && communications(tenant).get(0).getStatus() == Communication.CommunicationStatus.COMPLETED);
    }

    @Test
    void noRowOfTheOutboxIsLockedWhileTheEngineTakesItsTimeToAnswer() throws Exception {
        engine.script(Answer.slow("AR", Duration.ofMillis(700)), Answer.slow("AA", Duration.ofMillis(700)));

        evaluate(tenant, "105", false);

        // A lock a transaction holds for a few milliseconds is waited out; one held while the engine answers is not.
        boolean postgres = Objects.requireNonNull(jdbc.execute((ConnectionCallback<String>)
                        connection -> connection.getMetaData().getDatabaseProductName()))
                .contains("PostgreSQL");
        String lockWithin300ms = postgres ? " FOR UPDATE" : " FOR UPDATE WAIT 0.3";
        int rowsSeen = 0;
        while (engine.accepted().isEmpty()) {
            rowsSeen += Objects.requireNonNull(transaction.execute(status -> {
                if (postgres) {
                    jdbc.execute("SET LOCAL lock_timeout = '300ms'");
                }
                return jdbc.queryForList(
                                        "SELECT id FROM rehab_alert_request WHERE tenant = ?" + lockWithin300ms, tenant)
                                .size()
                        + jdbc.queryForList("SELECT id FROM rehab_alert WHERE tenant = ?" + lockWithin300ms, tenant)
                                .size();
            }));
            Thread.sleep(50);
        }
        assertThat(rowsSeen).as("rows of the outbox were there to be locked").isPositive();
        assertThat(engine.received()).extracting(Received::answered).containsExactly("AR", "AA");
    }

    private static String delivery(Communication communication, String part) {
        Extension delivery = communication.getExtensionByUrl(AlertCommunications.DELIVERY);
        Extension value = delivery == null ? null : delivery.getExtensionByUrl(part);
        return value == null ? null : value.getValue().primitiveValue();
    }

    private static String field(Received received, String path) {
        try {
            return new Terser(HL7.getPipeParser().parse(received.message())).get(path);
        } catch (Exception e) {
            throw new AssertionError("Not a valid HL7 v2 message: " + received.message(), e);
        }
    }
}
