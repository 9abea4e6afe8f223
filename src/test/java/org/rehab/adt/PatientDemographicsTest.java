package org.rehab.adt;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.time.ZoneOffset;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class PatientDemographicsTest {

    private static final String MSH =
            "MSH|^~\\&|EPIC|NORTH-HOSP|REHAB|north|20261202093000||ADT^A08^ADT_A01|C1|P|2.5.1";

    @Test
    void aFieldSentAsTheDeleteIndicatorRemovesTheValueAndAnEmptyOneKeepsIt() throws Exception {
        Patient patient = known();

        PatientDemographics.apply(
                pid("PID|1||M1^^^NORTH^MR||||\"\"|\"\"|||\"\"||\"\"||||||||||||||||\"\"|N"), patient, ZoneOffset.UTC);

        assertThat(patient.getNameFirstRep().getFamily())
                .as("PID-5 empty: kept")
                .isEqualTo("Whitfield");
        assertThat(patient.hasBirthDate()).isFalse();
        assertThat(patient.hasGender()).isFalse();
        assertThat(patient.hasAddress()).isFalse();
        assertThat(patient.hasTelecom()).isFalse();
        assertThat(patient.hasDeceased()).isFalse();
    }

    @Test
    void aComponentSentAsTheDeleteIndicatorIsLeftOut() throws Exception {
        Patient patient = known();

        PatientDemographics.apply(
                pid("PID|1||M1^^^NORTH^MR||Whitfield-Hart^Eleanor^\"\"||19540301|F"), patient, ZoneOffset.UTC);

        assertThat(patient.getNameFirstRep().getFamily()).isEqualTo("Whitfield-Hart");
        assertThat(patient.getNameFirstRep().getGivenAsSingleString()).isEqualTo("Eleanor");
        assertThat(patient.getAddressFirstRep().getCity())
                .as("PID-11 empty: kept")
                .isEqualTo("Leeds");
    }

    private static Patient known() {
        Patient patient = new Patient();
        patient.addName().setFamily("Whitfield").addGiven("Eleanor");
        patient.setBirthDateElement(new DateType("1954-03-01"));
        patient.setGender(Enumerations.AdministrativeGender.FEMALE);
        patient.addAddress(new Address().setCity("Leeds"));
        patient.addTelecom(new ContactPoint()
                .setSystem(ContactPoint.ContactPointSystem.PHONE)
                .setValue("0113"));
        patient.setDeceased(new DateTimeType("2026-11-30"));
        return patient;
    }

    private static Terser pid(String pid) throws Exception {
        try (HapiContext hl7 = new DefaultHapiContext(new CanonicalModelClassFactory("2.5.1"))) {
            hl7.setValidationContext(ValidationContextFactory.noValidation());
            return new Terser(hl7.getPipeParser().parse(MSH + "\rEVN|A08|20261202093000\r" + pid + "\rPV1|1|O"));
        }
    }
}
