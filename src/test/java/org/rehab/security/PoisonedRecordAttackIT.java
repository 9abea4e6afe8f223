package org.rehab.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.SecuredServerIT;

/**
 * Finding 4: a decimal outside what the database stores, or text with a NUL, is refused on write, at once, so no
 * record can be poisoned to break every later read; as a search value it is a 400 that exposes nothing of the
 * database.
 */
class PoisonedRecordAttackIT extends SecuredServerIT {

    private String patient;

    @BeforeEach
    void signIn() {
        hospitalsWithPatients();
        patient = tokens.userToken("patient-108", "openid launch/patient patient/*.cruds");
    }

    @Test
    void tinyDecimalThatWouldBreakEveryReadIsRefused() {
        assertRefused(send("POST", "/fhir/north/Observation", patient, observation("1e-1001")), 422, "decimal");

        assertThat(get("/fhir/north/Observation?patient=108", patient).statusCode())
                .isEqualTo(200);
        assertThat(get("/fhir/north/Patient/108/$everything", patient).statusCode())
                .isEqualTo(200);
    }

    @Test
    void hugeDecimalIsRefusedWithoutSpendingSeconds() {
        Instant start = Instant.now();

        assertRefused(send("POST", "/fhir/north/Observation", patient, observation("1e999999")), 422, "decimal");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void hugeDecimalSearchValueIsA400ThatExposesNoDatabaseText() {
        HttpResponse<String> response = get("/fhir/north/Observation?value-quantity=1e999999", patient);

        assertRefused(response, 400, "decimal");
        assertThat(response.body()).doesNotContainIgnoringCase("sql").doesNotContain("ERROR:");
    }

    @Test
    void textWithANulCharacterThatWouldBreakXmlReadsIsRefused() {
        String poisoned = observation("72.5")
                .replace("\"status\":\"final\",", "\"status\":\"final\",\"note\":[{\"text\":\"A\\u0000B\"}],");

        assertRefused(send("POST", "/fhir/north/Observation", patient, poisoned), 422, "control character");
        HttpResponse<String> asXml = get("/fhir/north/Observation?patient=108&_format=xml", patient);
        assertThat(asXml.statusCode()).isEqualTo(200);
        assertThat(asXml.body()).endsWith("</Bundle>");
    }

    @Test
    void ordinaryDecimalsAreStillAccepted() {
        assertThat(send("POST", "/fhir/north/Observation", patient, observation("72.125"))
                        .statusCode())
                .isEqualTo(201);
        assertThat(send("POST", "/fhir/north/Observation", patient, observation("1.5e-12"))
                        .statusCode())
                .isEqualTo(201);
    }

    private static String observation(String value) {
        return "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":"
                + "\"http://loinc.org\",\"code\":\"29463-7\"}]},\"subject\":{\"reference\":\"Patient/108\"},"
                + "\"effectiveDateTime\":\"2026-11-01\",\"valueQuantity\":{\"value\":" + value + ",\"unit\":\"kg\","
                + "\"system\":\"http://unitsofmeasure.org\",\"code\":\"kg\"}}";
    }
}
