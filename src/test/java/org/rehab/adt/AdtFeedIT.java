package org.rehab.adt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rehab.testsupport.ClinicalFixtures.bmi;

import ca.uhn.fhir.rest.gclient.TokenClientParam;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rehab.audit.AuditTrail;
import org.rehab.hl7.MllpFrames;
import org.rehab.testsupport.FhirServerIT;
import org.rehab.testsupport.MllpTestPeer;
import org.rehab.testsupport.TestServerInitializer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A hospital's ADT feed, sent by an MLLP client we did not write: python3-hl7's {@code open_hl7_connection}
 * (installed by {@code .ci/run}), to the listener of the hospital's port.
 */
class AdtFeedIT extends FhirServerIT {

    private static final String PYTHON = "/usr/bin/python3"; // Debian's, where python3-hl7 is installed
    private static final String TENANT = TestServerInitializer.ADT_TENANT;
    private static final String MRN_SYSTEM = "urn:rehab:" + TENANT + ":mrn";
    private static boolean hospitalCreated;

    @Autowired
    private AuditTrail auditTrail;

    @Autowired
    private AdtAnswerExpiry answerExpiry;

    @Autowired
    private AdtSettings settings;

    @Autowired
    private JdbcTemplate jdbc;

    @BeforeEach
    void theHospitalExists() {
        synchronized (AdtFeedIT.class) {
            if (!hospitalCreated) {
                createTenantNamed(TENANT);
                hospitalCreated = true;
            }
        }
    }

    @Test
    void a04RegistersThePatientAndTheVisitAndA08UpdatesTheSamePatient() throws Exception {
        String mrn = uniqueId("M");
        List<String> acks = send(
                adt("A04", uniqueId("C"), mrn, "Whitfield^Eleanor^^^Mrs", "19540301", "F", "O", "V-" + mrn),
                adt("A08", uniqueId("C"), mrn, "Whitfield-Hart^Eleanor", "19540301", "F", "O", ""));

        assertThat(acks).allSatisfy(ack -> assertThat(msa(ack, 1)).isEqualTo("AA"));
        Patient patient = onlyPatient(mrn);
        assertThat(patient.getNameFirstRep().getFamily()).isEqualTo("Whitfield-Hart");
        assertThat(patient.getNameFirstRep().getGivenAsSingleString()).isEqualTo("Eleanor");
        assertThat(patient.getBirthDateElement().getValueAsString()).isEqualTo("1954-03-01");
        assertThat(patient.getGender()).isEqualTo(Enumerations.AdministrativeGender.FEMALE);
        Encounter visit = onlyEncounter("V-" + mrn);
        assertThat(visit.getStatus()).isEqualTo(Encounter.EncounterStatus.INPROGRESS);
        assertThat(visit.getClass_().getCode()).isEqualTo("AMB");
        assertThat(visit.getSubject().getReference())
                .isEqualTo("Patient/" + patient.getIdElement().getIdPart());
        assertThat(validationErrors(TENANT, patient)).isEmpty();
        assertThat(validationErrors(TENANT, visit)).isEmpty();
    }

    @Test
    void a03FinishesTheVisitA01Began() throws Exception {
        String mrn = uniqueId("M");
        List<String> acks = send(
                adt("A01", uniqueId("C"), mrn, "Delaney^Marcus", "19810412", "M", "I", "V-" + mrn),
                adt("A03", uniqueId("C"), mrn, "Delaney^Marcus", "19810412", "M", "I", "V-" + mrn));

        assertThat(acks).allSatisfy(ack -> assertThat(msa(ack, 1)).isEqualTo("AA"));
        Encounter visit = onlyEncounter("V-" + mrn);
        assertThat(visit.getStatus()).isEqualTo(Encounter.EncounterStatus.FINISHED);
        assertThat(visit.getClass_().getCode()).isEqualTo("IMP");
        assertThat(visit.getPeriod().hasStart()).isTrue();
        assertThat(visit.getPeriod().hasEnd()).isTrue();
    }

    @Test
    void theSameMessageSentAgainChangesNothingAndGetsTheSameAnswer() throws Exception {
        String mrn = uniqueId("M");
        String controlId = uniqueId("C");
        List<String> acks = send(
                adt("A08", controlId, mrn, "Raman^Priya", "19680101", "F", "O", ""),
                adt("A08", controlId, mrn, "Changed^Name", "19680101", "F", "O", ""));

        assertThat(acks.get(1)).isEqualTo(acks.get(0));
        assertThat(msa(acks.get(0), 2)).isEqualTo(controlId);
        Patient patient = onlyPatient(mrn);
        assertThat(patient.getNameFirstRep().getFamily()).isEqualTo("Raman");
        assertThat(patient.getMeta().getVersionId()).isEqualTo("1");
    }

    @Test
    void anAnswerOlderThanKeepAnswersIsForgottenSoTheSameControlIdIsAppliedAgain() throws Exception {
        String mrn = uniqueId("M");
        String controlId = uniqueId("C");
        send(adt("A08", controlId, mrn, "Before^Expiry", "19680101", "F", "O", ""));
        jdbc.update(
                "UPDATE rehab_adt_message SET received_at = received_at - INTERVAL '8' DAY WHERE control_id = ?",
                controlId);

        assertThat(answerExpiry.expire()).isPositive();
        send(adt("A08", controlId, mrn, "After^Expiry", "19680101", "F", "O", ""));

        assertThat(onlyPatient(mrn).getNameFirstRep().getFamily()).isEqualTo("After");
    }

    @Test
    void aMessageThatCannotBeAppliedGetsAnAeThatSaysWhyAndChangesNothing() throws Exception {
        String mrn = uniqueId("M");
        List<String> acks = send(
                adt("A04", uniqueId("C"), "", "Nomrn^Nobody", "19700101", "M", "O", ""),
                adt("A99", uniqueId("C"), mrn, "Unknown^Event", "19700101", "M", "O", ""),
                adt("A03", uniqueId("C"), mrn, "No^Visit", "19700101", "M", "O", ""),
                adt("A04", uniqueId("C"), mrn, "Bad^Date", "1970-13-45", "M", "O", "")
                        .replace("ADT^A04^ADT_A01", "ORU^R01^ORU_R01"));

        assertThat(acks).extracting(ack -> msa(ack, 1)).containsExactly("AE", "AE", "AE", "AE");
        assertThat(acks).extracting(ack -> err(ack, 3)).containsExactly("101", "201", "101", "200");
        assertThat(segment(acks.get(0), "ERR")).contains("PID-3");
        assertThat(patients(mrn)).isEmpty();
    }

    @Test
    void hostileOrOddValuesAreRefusedOrLeftOutButNeverAnsweredAr() throws Exception {
        String mrn = uniqueId("M");
        String other = uniqueId("M");
        List<String> acks = send(
                adt("A04", uniqueId("C"), mrn, "Odd^Date", "19541301", "F", "O", "V-" + mrn),
                adt("A04", "C".repeat(300), mrn, "Long^Id", "19540301", "F", "O", ""),
                adt("A08", uniqueId("C"), mrn, "Test^Message", "19540301", "F", "O", "")
                        .replace("|P|2.5.1", "|T|2.5.1"),
                adt("A04", uniqueId("C"), other, "Other^Patient", "19600101", "M", "O", "V-" + mrn));

        assertThat(acks).extracting(ack -> msa(ack, 1)).containsExactly("AA", "AE", "AE", "AE");
        assertThat(acks).extracting(ack -> err(ack, 3)).containsExactly("", "101", "200", "204");
        Patient patient = onlyPatient(mrn);
        assertThat(patient.hasBirthDate())
                .as("a date that is no date is left out")
                .isFalse();
        assertThat(patient.getNameFirstRep().getFamily()).isEqualTo("Odd");
        assertThat(onlyEncounter("V-" + mrn).getSubject().getReference())
                .isEqualTo("Patient/" + patient.getIdElement().getIdPart());
        assertThat(patients(other)).isEmpty();
    }

    @Test
    void a40MergesTheDuplicateIntoTheSurvivorWithItsRecordsAndRecommendations() throws Exception {
        String mergedMrn = uniqueId("M");
        String survivorMrn = uniqueId("M");
        String merged = uniqueId("dup");
        // The duplicate, aged 72 with chronic pain and a BMI of 33: physical therapy and weight management.
        Patient duplicate = new Patient();
        duplicate.setId(merged);
        duplicate.addIdentifier().setSystem(MRN_SYSTEM).setValue(mergedMrn);
        duplicate.setBirthDateElement(new DateType("1954-03-01"));
        client(TENANT).update().resource(duplicate).execute();
        client(TENANT).create().resource(chronicPain(merged)).execute();
        client(TENANT).create().resource(bmi(merged, "33.0")).execute();
        // Another hospital's patient under the same id, with a record of its own.
        String other = createTenant("othermerge");
        client(other).update().resource(new Patient().setId(merged)).execute();
        String theirObservation = client(other)
                .create()
                .resource(bmi(merged, "31.0"))
                .execute()
                .getId()
                .getIdPart();
        // The survivor, registered by the feed, with a BMI of 35: weight management.
        assertThat(msa(
                        send(adt("A04", uniqueId("C"), survivorMrn, "Okafor^Grace", "19540301", "F", "O", ""))
                                .get(0),
                        1))
                .isEqualTo("AA");
        String survivor = onlyPatient(survivorMrn).getIdElement().getIdPart();
        client(TENANT).create().resource(bmi(survivor, "35.0")).execute();
        MllpTestPeer engine = MllpTestPeer.start();
        engine.goDown(); // the recommendations' alerts wait in the outbox
        client(TENANT).update().resource(engine.endpoint("adt-merge-engine")).execute();
        evaluate(TENANT, merged, false);
        evaluate(TENANT, survivor, false);
        assertThat(activeCodes(TENANT, merged)).containsExactly("718361005", "91251008");
        assertThat(activeCodes(TENANT, survivor)).containsExactly("718361005");

        List<String> acks = send(
                a40(uniqueId("C"), survivorMrn, mergedMrn),
                a40(uniqueId("C"), survivorMrn, mergedMrn),
                a40(uniqueId("C"), survivorMrn, survivorMrn),
                a40(uniqueId("C"), survivorMrn, uniqueId("M")));

        assertThat(acks).extracting(ack -> msa(ack, 1)).containsExactly("AA", "AA", "AE", "AE");
        assertThat(acks).extracting(ack -> err(ack, 3)).containsExactly("", "", "205", "204");
        Patient mergedNow =
                client(TENANT).read().resource(Patient.class).withId(merged).execute();
        assertThat(mergedNow.getActive()).isFalse();
        assertThat(mergedNow.getLinkFirstRep().getType()).isEqualTo(Patient.LinkType.REPLACEDBY);
        assertThat(mergedNow.getLinkFirstRep().getOther().getReference()).isEqualTo("Patient/" + survivor);
        Patient survivorNow = onlyPatient(survivorMrn);
        assertThat(survivorNow.getLinkFirstRep().getType()).isEqualTo(Patient.LinkType.REPLACES);
        assertThat(survivorNow.getMeta().getVersionId())
                .as("the merge sent again changed nothing")
                .isEqualTo("2");
        assertThat(resources(client(TENANT)
                        .search()
                        .byUrl("Observation?subject=Patient/" + survivor)
                        .returnBundle(Bundle.class)
                        .execute()))
                .hasSize(2);
        assertThat(resources(client(TENANT)
                        .search()
                        .byUrl("Condition?subject=Patient/" + survivor)
                        .returnBundle(Bundle.class)
                        .execute()))
                .hasSize(1);
        assertThat(activeCodes(TENANT, survivor))
                .as("one of each kind: the duplicate's weight management was revoked")
                .containsExactly("718361005", "91251008");
        assertThat(activeCodes(TENANT, merged)).isEmpty();
        List<ServiceRequest> revoked = resources(client(TENANT)
                .search()
                .byUrl("ServiceRequest?patient=" + survivor + "&status=revoked")
                .returnBundle(Bundle.class)
                .execute());
        assertThat(revoked).singleElement().satisfies(request -> {
            assertThat(request.getNote())
                    .anySatisfy(note -> assertThat(note.getText()).contains("merged"));
            assertThat(request.getIdentifierFirstRep().getValue()).isEqualTo(survivor + "/weight-management-program");
        });
        assertThat(jdbc.queryForList(
                        "SELECT patient_id FROM rehab_alert_request WHERE tenant = ? AND patient_id IN (?, ?)"
                                + " UNION ALL SELECT patient_id FROM rehab_alert WHERE tenant = ?"
                                + " AND patient_id IN (?, ?)",
                        String.class,
                        TENANT,
                        merged,
                        survivor,
                        TENANT,
                        merged,
                        survivor))
                .as("alerts on their way, the merged patient's among them")
                .containsOnly(survivor);
        client(TENANT).delete().resourceById("Endpoint", "adt-merge-engine").execute();
        engine.close();
        Observation theirs = client(other)
                .read()
                .resource(Observation.class)
                .withId(theirObservation)
                .execute();
        assertThat(theirs.getSubject().getReference()).isEqualTo("Patient/" + merged);
        assertThat(theirs.getMeta().getVersionId()).isEqualTo("1");
    }

    @Test
    void aFeedNeverTouchesAnotherHospitalsPatientWithTheSameMrn() throws Exception {
        String mrn = uniqueId("M");
        String other = createTenant("otheradt");
        Patient theirs = new Patient();
        theirs.addIdentifier().setSystem(MRN_SYSTEM).setValue(mrn);
        theirs.addName().setFamily("Theirs");
        client(other).create().resource(theirs).execute();

        List<String> acks = send(adt("A08", uniqueId("C"), mrn, "Ours^Ada", "19700101", "F", "O", ""));

        assertThat(msa(acks.get(0), 1)).isEqualTo("AA");
        assertThat(onlyPatient(mrn).getNameFirstRep().getFamily()).isEqualTo("Ours");
        Patient stillTheirs = (Patient) client(other)
                .search()
                .forResource(Patient.class)
                .where(Patient.IDENTIFIER.exactly().systemAndCode(MRN_SYSTEM, mrn))
                .returnBundle(Bundle.class)
                .execute()
                .getEntryFirstRep()
                .getResource();
        assertThat(stillTheirs.getNameFirstRep().getFamily()).isEqualTo("Theirs");
        assertThat(stillTheirs.getMeta().getVersionId()).isEqualTo("1");
    }

    @Test
    void anotherHospitalsEngineHoldingAllTheConnectionsItMayHaveDoesNotStopThisFeed() throws Exception {
        List<Socket> theirs = new ArrayList<>();
        try {
            for (int i = 0; i < settings.maxConnections() + 2; i++) {
                theirs.add(new Socket("127.0.0.1", TestServerInitializer.otherAdtPort()));
            }
            Thread.sleep(200); // accepted, each on its own connection thread

            String mrn = uniqueId("M");
            assertThat(msa(
                            send(adt("A08", uniqueId("C"), mrn, "Still^Served", "19700101", "F", "O", ""))
                                    .get(0),
                            1))
                    .isEqualTo("AA");
        } finally {
            for (Socket socket : theirs) {
                socket.close();
            }
        }
    }

    @Test
    void aFrameLargerThanTheLimitEndsItsConnectionAndTheFeedGoesOn() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", TestServerInitializer.adtPort())) {
            socket.setSoTimeout(30_000);
            byte[] huge = ("MSH|^~\\&|X|Y|REHAB|" + TENANT + "|||ADT^A08|HUGE|P|2.5.1\r" + "Z".repeat(1_100_000))
                    .getBytes(StandardCharsets.US_ASCII);
            try {
                MllpFrames.write(socket.getOutputStream(), huge);
                assertThat(MllpFrames.read(socket.getInputStream(), 1 << 20))
                        .as("no ACK")
                        .isNull();
            } catch (IOException closedWhileSending) {
                // the server closed the connection before the whole frame was sent: as good
            }
        }

        String mrn = uniqueId("M");
        assertThat(msa(
                        send(adt("A08", uniqueId("C"), mrn, "After^Huge", "19700101", "F", "O", ""))
                                .get(0),
                        1))
                .isEqualTo("AA");
    }

    @Test
    void everyMessageIsAuditedInTheHospitalsTenant() throws Exception {
        String mrn = uniqueId("M");
        String applied = uniqueId("C");
        String refused = uniqueId("C");
        send(
                adt("A04", applied, mrn, "Audit^Ada", "19900101", "F", "O", ""),
                adt("A99", refused, mrn, "Audit^Ada", "19900101", "F", "O", ""));
        auditTrail.flush();

        List<AuditEvent> events = client(TENANT)
                .search()
                .forResource(AuditEvent.class)
                .where(new TokenClientParam("type").exactly().code("110107"))
                .count(500)
                .returnBundle(Bundle.class)
                .execute()
                .getEntry()
                .stream()
                .map(entry -> (AuditEvent) entry.getResource())
                .toList();
        AuditEvent ofApplied = about(events, applied);
        assertThat(ofApplied.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
        assertThat(ofApplied.getSubtypeFirstRep().getCode()).isEqualTo("A04");
        assertThat(ofApplied.getEntity())
                .anySatisfy(
                        entity -> assertThat(entity.getWhat().getReference()).startsWith("Patient/"));
        assertThat(ofApplied.getAgentFirstRep().getNetwork().getAddress()).isEqualTo("127.0.0.1");
        assertThat(about(events, refused).getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
    }

    private static AuditEvent about(List<AuditEvent> events, String controlId) {
        return events.stream()
                .filter(event -> event.getEntity().stream().anyMatch(entity -> ("HL7 v2 message " + controlId)
                        .equals(entity.getWhat().getDisplay())))
                .findFirst()
                .orElseThrow(() -> new AssertionError("No AuditEvent for message " + controlId));
    }

    /** An ADT message as a hospital's engine sends it (segments separated by carriage returns). */
    private static String adt(
            String trigger,
            String controlId,
            String mrn,
            String name,
            String birthDate,
            String sex,
            String patientClass,
            String visit) {
        String structure =
                switch (trigger) {
                    case "A03" -> "ADT_A03";
                    default -> "ADT_A01";
                };
        return String.join(
                "\r",
                "MSH|^~\\&|EPIC|NORTH-HOSP|REHAB|" + TENANT + "|20261202093000||ADT^" + trigger + "^" + structure + "|"
                        + controlId + "|P|2.5.1",
                "EVN|" + trigger + "|20261202093000",
                "PID|1||" + (mrn.isEmpty() ? "" : mrn + "^^^NORTH^MR") + "||" + name + "||" + birthDate + "|" + sex
                        + "|||12 Harbour Road^^Leeds^^LS1 4AB^GB||0113 496 0000",
                pv1(patientClass, visit));
    }

    /** ADT^A40: the patient of MRG-1 merged into the patient of PID-3. */
    private static String a40(String controlId, String survivorMrn, String mergedMrn) {
        return String.join(
                "\r",
                "MSH|^~\\&|EPIC|NORTH-HOSP|REHAB|" + TENANT + "|20261202093000||ADT^A40^ADT_A39|" + controlId
                        + "|P|2.5.1",
                "EVN|A40|20261202093000",
                "PID|1||" + survivorMrn + "^^^NORTH^MR||Okafor^Grace||19540301|F",
                "MRG|" + mergedMrn + "^^^NORTH^MR");
    }

    private static Condition chronicPain(String patient) {
        Condition condition = new Condition();
        condition.setClinicalStatus(new CodeableConcept(
                new Coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", null)));
        condition.setCode(new CodeableConcept(new Coding("http://snomed.info/sct", "82423001", "Chronic pain")));
        condition.setSubject(new Reference("Patient/" + patient));
        return condition;
    }

    /** PV1 with its class (PV1-2), location (PV1-3), visit number (PV1-19) and admission time (PV1-44). */
    private static String pv1(String patientClass, String visit) {
        String[] fields = new String[45];
        Arrays.fill(fields, "");
        fields[0] = "PV1";
        fields[1] = "1";
        fields[2] = patientClass;
        fields[3] = "REHAB^101^1";
        fields[19] = visit;
        fields[44] = "20261202080000";
        return String.join("|", fields);
    }

    /** Sends the messages in order on one connection of python3-hl7's client; answers their ACKs. */
    private static List<String> send(String... messages) throws IOException, InterruptedException {
        Process client = new ProcessBuilder(
                        PYTHON,
                        Path.of("src/test/resources/hl7/python-hl7-sender.py").toString(),
                        "127.0.0.1",
                        Integer.toString(TestServerInitializer.adtPort()))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (OutputStream in = client.getOutputStream()) {
            for (String message : messages) {
                in.write((message.replace("\r", "\n") + "\n----\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
        String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(client.exitValue()).as("python3-hl7's client ended well").isZero();
        List<String> acks = Arrays.stream(out.split("----\n"))
                .filter(ack -> !ack.isBlank())
                .map(ack -> ack.strip().replace("\n", "\r"))
                .toList();
        assertThat(acks).hasSize(messages.length);
        return acks;
    }

    private static String segment(String ack, String name) {
        return Arrays.stream(ack.split("\r"))
                .filter(segment -> segment.startsWith(name + "|"))
                .findFirst()
                .orElse("");
    }

    private static String msa(String ack, int field) {
        String[] fields = segment(ack, "MSA").split("\\|", -1);
        return field < fields.length ? fields[field] : "";
    }

    private static String err(String ack, int field) {
        String[] fields = segment(ack, "ERR").split("\\|", -1);
        return field < fields.length ? fields[field].split("\\^")[0] : "";
    }

    private List<Patient> patients(String mrn) {
        return resources(client(TENANT)
                .search()
                .forResource(Patient.class)
                .where(Patient.IDENTIFIER.exactly().systemAndCode(MRN_SYSTEM, mrn))
                .returnBundle(Bundle.class)
                .execute());
    }

    private Patient onlyPatient(String mrn) {
        List<Patient> found = patients(mrn);
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private Encounter onlyEncounter(String visit) {
        List<Encounter> found = resources(client(TENANT)
                .search()
                .forResource(Encounter.class)
                .where(Encounter.IDENTIFIER.exactly().systemAndCode("urn:rehab:" + TENANT + ":visit", visit))
                .returnBundle(Bundle.class)
                .execute());
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Resource> List<T> resources(Bundle bundle) {
        return bundle.getEntry().stream().map(entry -> (T) entry.getResource()).toList();
    }
}
