package org.rehab.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v251.message.OMG_O19;
import ca.uhn.hl7v2.model.v251.message.ORM_O01;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;

class AlertMessageBuilderTest {

    private static final HapiContext VALIDATING = new DefaultHapiContext(ValidationContextFactory.defaultValidation());
    private static final Instant CREATED = Instant.parse("2026-11-22T09:30:15.250Z");
    private static final AlertMessageBuilder.Header HEADER = new AlertMessageBuilder.Header(
            "RH0123456789ABCDEFGH", "REHAB", "north", "ENGINE", "NORTH-HOSP", "P", CREATED);
    private static final Coding CHRONIC_PAIN = new Coding("http://snomed.info/sct", "82423001", "Chronic pain");

    private final AlertMessageBuilder builder = new AlertMessageBuilder(ZoneOffset.UTC);

    @Test
    void newRecommendationIsAnOmgO19WithTheFieldsOfTheReference() throws Exception {
        String encoded = builder.build(
                MessageType.OMG_O19,
                Hl7Charset.UTF_8,
                OrderControl.NEW,
                HEADER,
                patient(),
                recommendation(),
                CHRONIC_PAIN);

        Message message = VALIDATING.getPipeParser().parse(encoded);
        assertThat(message).isInstanceOf(OMG_O19.class);
        Terser terser = new Terser(message);
        assertThat(terser.get("/MSH-3")).isEqualTo("REHAB");
        assertThat(terser.get("/MSH-4")).isEqualTo("north");
        assertThat(terser.get("/MSH-5")).isEqualTo("ENGINE");
        assertThat(terser.get("/MSH-6")).isEqualTo("NORTH-HOSP");
        assertThat(terser.get("/MSH-7")).isEqualTo("20261122093015.250+0000");
        assertThat(terser.get("/MSH-9-1") + "^" + terser.get("/MSH-9-2") + "^" + terser.get("/MSH-9-3"))
                .isEqualTo("OMG^O19^OMG_O19");
        assertThat(terser.get("/MSH-10")).isEqualTo("RH0123456789ABCDEFGH");
        assertThat(terser.get("/MSH-11")).isEqualTo("P");
        assertThat(terser.get("/MSH-12")).isEqualTo("2.5.1");
        assertThat(terser.get("/PATIENT/PID-3(0)-1")).isEqualTo("N108");
        assertThat(terser.get("/PATIENT/PID-3(0)-5")).isEqualTo("MR");
        assertThat(terser.get("/PATIENT/PID-5-1")).isEqualTo("Whitfield");
        assertThat(terser.get("/PATIENT/PID-5-2")).isEqualTo("Eleanor");
        assertThat(terser.get("/PATIENT/PID-7")).isEqualTo("19540301");
        assertThat(terser.get("/PATIENT/PID-8")).isEqualTo("F");
        assertThat(terser.get("/ORDER/ORC-1")).isEqualTo("NW");
        assertThat(terser.get("/ORDER/ORC-2")).isEqualTo("sr-42");
        assertThat(terser.get("/ORDER/ORC-9")).isEqualTo("20261122092000.000+0000");
        assertThat(terser.get("/ORDER/ORC-16-1")).isEqualTo("PROPOSAL");
        assertThat(terser.get("/ORDER/OBR-2")).isEqualTo("sr-42");
        assertThat(terser.get("/ORDER/OBR-4-1")).isEqualTo("91251008");
        assertThat(terser.get("/ORDER/OBR-4-2")).isEqualTo("Physical therapy procedure");
        assertThat(terser.get("/ORDER/OBR-4-3")).isEqualTo("SCT");
        assertThat(terser.get("/ORDER/OBR-31-1")).isEqualTo("82423001");
        assertThat(terser.get("/ORDER/OBR-31-3")).isEqualTo("SCT");
        assertThat(terser.get("/ORDER/NTE(0)-3")).contains("Older patient with chronic pain gets physical therapy");
        assertThat(terser.get("/ORDER/NTE(1)-3")).startsWith("Aged 72, over 65");
    }

    @Test
    void endpointThatAsksForOrmGetsAnOrmO01() throws Exception {
        String encoded = builder.build(
                MessageType.ORM_O01,
                Hl7Charset.UTF_8,
                OrderControl.NEW,
                HEADER,
                patient(),
                recommendation(),
                CHRONIC_PAIN);

        Message message = VALIDATING.getPipeParser().parse(encoded);
        assertThat(message).isInstanceOf(ORM_O01.class);
        Terser terser = new Terser(message);
        assertThat(terser.get("/MSH-9-1") + "^" + terser.get("/MSH-9-2")).isEqualTo("ORM^O01");
        assertThat(terser.get("/PATIENT/PID-5-1")).isEqualTo("Whitfield");
        assertThat(terser.get("/ORDER/ORC-1")).isEqualTo("NW");
        assertThat(terser.get("/ORDER/ORDER_DETAIL/OBR-4-1")).isEqualTo("91251008");
        assertThat(terser.get("/ORDER/ORDER_DETAIL/NTE(1)-3")).startsWith("Aged 72");
    }

    @Test
    void revokedRecommendationIsACancel() throws Exception {
        Terser terser = parse(builder.build(
                MessageType.OMG_O19,
                Hl7Charset.UTF_8,
                OrderControl.CANCEL,
                HEADER,
                patient(),
                recommendation(),
                CHRONIC_PAIN));

        assertThat(terser.get("/ORDER/ORC-1")).isEqualTo("CA");
        assertThat(terser.get("/ORDER/ORC-2")).isEqualTo("sr-42");
    }

    @Test
    void completedRecommendationIsAStatusChangeToComplete() throws Exception {
        Terser terser = parse(builder.build(
                MessageType.OMG_O19,
                Hl7Charset.UTF_8,
                OrderControl.STATUS_CHANGED,
                HEADER,
                patient(),
                recommendation(),
                CHRONIC_PAIN));

        assertThat(terser.get("/ORDER/ORC-1")).isEqualTo("SC");
        assertThat(terser.get("/ORDER/ORC-5")).isEqualTo("CM");
    }

    @Test
    void specialCharactersInNamesAreEscaped() throws Exception {
        Patient patient = patient();
        patient.getNameFirstRep()
                .setFamily("O'Brien|Smith^Jr & Sons~\\")
                .getGiven()
                .get(0)
                .setValue("Zoë");

        String encoded = builder.build(
                MessageType.OMG_O19,
                Hl7Charset.UTF_8,
                OrderControl.NEW,
                HEADER,
                patient,
                recommendation(),
                CHRONIC_PAIN);

        assertThat(encoded).contains("O'Brien\\F\\Smith\\S\\Jr \\T\\ Sons\\R\\\\E\\");
        assertThat(parse(encoded).get("/PATIENT/PID-5-1")).isEqualTo("O'Brien|Smith^Jr & Sons~\\");
        assertThat(parse(encoded).get("/PATIENT/PID-5-2")).isEqualTo("Zoë");
    }

    @Test
    void anAsciiEndpointGetsEveryOtherCharacterAsAnHl7HexadecimalEscape() throws Exception {
        Patient patient = patient();
        patient.getNameFirstRep()
                .setFamily("Müller-Łukasiewicz")
                .getGiven()
                .get(0)
                .setValue("José");
        ServiceRequest request = recommendation();
        request.getNoteFirstRep().setText("Told the patient: \u201crest\u201d \u2013 then walk");

        String encoded =
                builder.build(MessageType.OMG_O19, Hl7Charset.ASCII, OrderControl.NEW, HEADER, patient, request, null);

        assertThat(encoded.chars()).allMatch(c -> c < 0x80);
        assertThat(encoded).contains("M\\XC3BC\\ller-\\XC581\\ukasiewicz^Jos\\XC3A9\\");
        assertThat(encoded).contains("\\XE2809C\\rest\\XE2809D\\ \\XE28093\\ then walk");
        assertThat(parse(encoded).get("/MSH-18")).isEqualTo("ASCII");
        assertThat(Hl7Charset.ofMessage(encoded)).isEqualTo(Hl7Charset.ASCII);
    }

    @Test
    void aLatin1EndpointGetsWhatLatin1CarriesAsItIsAndTheRestEscaped() throws Exception {
        Patient patient = patient();
        patient.getNameFirstRep().setFamily("Łoś").getGiven().get(0).setValue("Zoë");

        String encoded = builder.build(
                MessageType.OMG_O19, Hl7Charset.ISO_8859_1, OrderControl.NEW, HEADER, patient, recommendation(), null);

        assertThat(encoded).contains("\\XC581\\o\\XC59B\\^Zoë");
        assertThat(parse(encoded).get("/MSH-18")).isEqualTo("8859/1");
        assertThat(Hl7Charset.ofMessage(encoded)).isEqualTo(Hl7Charset.ISO_8859_1);
    }

    @Test
    void theEndpointNamesItsCharacterSetInItsPayloadMimeType() {
        assertThat(Hl7Charset.of(new Endpoint())).isEqualTo(Hl7Charset.ASCII);
        assertThat(Hl7Charset.of(new Endpoint().addPayloadMimeType("x-application/hl7-v2+er7; charset=UTF-8")))
                .isEqualTo(Hl7Charset.UTF_8);
        assertThat(Hl7Charset.of(new Endpoint().addPayloadMimeType("x-application/hl7-v2+er7;charset=\"iso-8859-1\"")))
                .isEqualTo(Hl7Charset.ISO_8859_1);
        assertThat(Hl7Charset.of(new Endpoint().addPayloadMimeType("x-application/hl7-v2+er7; charset=EBCDIC")))
                .isEqualTo(Hl7Charset.ASCII);
    }

    @Test
    void missingOptionalDataLeavesFieldsEmpty() throws Exception {
        Patient bare = new Patient();
        bare.setId("Patient/77");
        ServiceRequest request = recommendation();
        request.setAuthoredOn(null);
        request.getNote().clear();

        Terser terser = parse(
                builder.build(MessageType.OMG_O19, Hl7Charset.UTF_8, OrderControl.NEW, HEADER, bare, request, null));

        assertThat(terser.get("/PATIENT/PID-3(0)-1")).isEqualTo("77");
        assertThat(terser.get("/PATIENT/PID-3(0)-5")).isEqualTo("PI");
        assertThat(terser.get("/PATIENT/PID-5-1")).isNull();
        assertThat(terser.get("/PATIENT/PID-7")).isNull();
        assertThat(terser.get("/PATIENT/PID-8")).isNull();
        assertThat(terser.get("/ORDER/ORC-9")).isNull();
        assertThat(terser.get("/ORDER/OBR-31-1")).isNull();
        assertThat(terser.get("/ORDER/NTE(0)-3")).startsWith("Aged 72");
    }

    @Test
    void anIdentifierTypeLongerThanItsHl7FieldMayCarryCannotBeBuilt() {
        Patient patient = patient();
        patient.getIdentifierFirstRep().getType().addCoding().setCode("T".repeat(300));

        assertThatThrownBy(() -> builder.build(
                        MessageType.OMG_O19,
                        Hl7Charset.ASCII,
                        OrderControl.NEW,
                        HEADER,
                        patient,
                        recommendation(),
                        CHRONIC_PAIN))
                .isInstanceOf(AlertMessageBuilder.Unbuildable.class);
    }

    @Test
    void eachEndpointOfAnAlertGetsItsOwnControlIdTheSameEveryTimeItIsBuilt() {
        String first = AlertRequest.newControlId();
        AlertRequest request = new AlertRequest(1, first, "north", "108", "sr-1", "NW", "{}", 0, CREATED, null);

        assertThat(first).hasSize(20).startsWith("RH").endsWith("AA").matches("[A-Z2-7]{20}");
        assertThat(request.controlIdFor(0)).isEqualTo(first);
        assertThat(request.controlIdFor(1)).isEqualTo(first.substring(0, 18) + "AB");
        assertThat(request.controlIdFor(33)).isEqualTo(first.substring(0, 18) + "BB");
        assertThat(request.toEndpoint(2, "engine-3", "MSH|...").controlId()).isEqualTo(request.controlIdFor(2));
        assertThat(AlertRequest.newControlId()).isNotEqualTo(first);
        assertThatThrownBy(() -> request.controlIdFor(AlertRequest.MOST_ENDPOINTS))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Terser parse(String encoded) throws Exception {
        return new Terser(VALIDATING.getPipeParser().parse(encoded));
    }

    private static Patient patient() {
        Patient patient = new Patient();
        patient.setId("Patient/108");
        patient.addIdentifier()
                .setSystem("http://north-hospital.example.org/fhir/sid/other")
                .setValue("X-1");
        patient.addIdentifier()
                .setSystem("http://north-hospital.example.org/fhir/sid/mrn")
                .setValue("N108")
                .setType(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v2-0203", "MR", null)));
        patient.addName().setFamily("Whitfield").addGiven("Eleanor");
        patient.setBirthDateElement(new DateType("1954-03-01"));
        patient.setGender(Enumerations.AdministrativeGender.FEMALE);
        return patient;
    }

    private static ServiceRequest recommendation() {
        ServiceRequest request = new ServiceRequest();
        request.setId("ServiceRequest/sr-42");
        request.setCode(
                new CodeableConcept(new Coding("http://snomed.info/sct", "91251008", "Physical therapy procedure"))
                        .setText("Physical Therapy"));
        request.setAuthoredOn(Date.from(Instant.parse("2026-11-22T09:20:00Z")));
        request.addNote().setText("Recommended by the rule \"Older patient with chronic pain gets physical therapy\"");
        request.addReasonCode().setText("Aged 72, over 65, and living with chronic pain (Chronic pain).");
        return request;
    }
}
