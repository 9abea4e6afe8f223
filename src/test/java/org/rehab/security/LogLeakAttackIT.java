package org.rehab.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rehab.testsupport.SecuredServerIT;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Finding 9: no log line of the server or of a library (Tomcat, Spring, HAPI) carries patient data or a
 * hospital-assigned id, whatever a client sends.
 */
@ExtendWith(OutputCaptureExtension.class)
class LogLeakAttackIT extends SecuredServerIT {

    private static final List<String> PATIENT_DATA = List.of("Wexfordia", "1954-12-01", "lk-108-home-reading");

    private String ehr;

    @BeforeEach
    void signIn() {
        hospitalsWithPatients();
        ehr = northEhr("system/*.cruds");
    }

    @Test
    void malformedRequestLinesAndFailingRequestsLogNoPatientData(CapturedOutput output) {
        raw("GET /fhir/north/Patient?family=Wexfordia&birthdate=1954-12-01&x={} HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: close\r\n\r\n");
        raw("GET /fhir/north/Patient?family=Wexfordia\u0001 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        get("/fhir/north/Observation/lk-108-home-reading", ehr);
        send(
                "PUT",
                "/fhir/north/Observation/lk-108-home-reading",
                ehr,
                "{\"resourceType\":\"Observation\",\"id\":\"lk-108-home-reading\",\"status\":\"final\","
                        + "\"code\":{\"text\":\"Wexfordia\"},\"subject\":{\"reference\":\"Patient/lk-108-home-reading\"}}");
        send("PUT", "/fhir/north/Observation/lk-108-home-reading", ehr, "{\"resourceType\":\"Observation\",");
        get("/fhir/north/Patient/lk-108-home-reading/..;/x", ehr);
        get("/fhir/north/Patient/lk-108-home-reading/$everything", ehr);
        send("DELETE", "/fhir/north/Patient?family=Wexfordia&birthdate=1954-12-01", ehr, null);

        for (String value : PATIENT_DATA) {
            assertThat(output.getAll()).as("logs contain patient data").doesNotContain(value);
        }
    }
}
