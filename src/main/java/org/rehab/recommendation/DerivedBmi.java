package org.rehab.recommendation;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Date;
import java.util.HexFormat;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * A body mass index computed from the latest height and weight, to be stored as a BMI Observation that is
 * {@code derivedFrom} them (the FHIR vital-signs pattern). Its id is derived from theirs, so that computing it
 * twice, or from two servers at once, stores it once.
 */
record DerivedBmi(BigDecimal value, Observation height, Observation weight, Date effective) {

    static final String BMI_LOINC = "39156-5";

    String observationId() {
        String sources =
                height.getIdElement().getIdPart() + "|" + weight.getIdElement().getIdPart();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(sources.getBytes(StandardCharsets.UTF_8));
            return "rehab-bmi-" + HexFormat.of().formatHex(digest).substring(0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Observation toObservation() {
        Observation bmi = new Observation();
        bmi.setId("Observation/" + observationId());
        bmi.setStatus(Observation.ObservationStatus.FINAL);
        bmi.addCategory(new CodeableConcept(new Coding(
                "http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", "Vital Signs")));
        bmi.setCode(new CodeableConcept(new Coding("http://loinc.org", BMI_LOINC, "Body mass index (BMI) [Ratio]"))
                .setText("BMI"));
        bmi.setSubject(height.getSubject().copy());
        bmi.setEffective(new DateTimeType(effective));
        bmi.setValue(new Quantity()
                .setValue(value)
                .setUnit("kg/m2")
                .setSystem(BodyMassIndexCalculator.UCUM)
                .setCode("kg/m2"));
        bmi.addDerivedFrom(new Reference(reference(height)));
        bmi.addDerivedFrom(new Reference(reference(weight)));
        bmi.addNote().setText("Computed by the rehabilitation rule engine from the latest height and weight.");
        return bmi;
    }

    private static String reference(Observation observation) {
        return "Observation/" + observation.getIdElement().getIdPart();
    }
}
