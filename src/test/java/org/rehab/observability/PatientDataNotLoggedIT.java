package org.rehab.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rehab.testsupport.FhirServerIT;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Application logs carry no names, birth dates, identifiers or hospital-assigned ids, also when requests fail. */
@ExtendWith(OutputCaptureExtension.class)
class PatientDataNotLoggedIT extends FhirServerIT {

    private static final String ID = "qx-99817";
    private static final List<String> PATIENT_DATA = List.of("Zebulonia", "Quixotic", "1931-02-03", "MRN-QX-5521", ID);

    @Test
    void successfulAndFailedRequestsLogNoPatientData(CapturedOutput output) {
        String patient = "{\"resourceType\":\"Patient\",\"id\":\"" + ID + "\",\"name\":[{\"family\":\"Quixotic\","
                + "\"given\":[\"Zebulonia\"]}],\"birthDate\":\"1931-02-03\",\"identifier\":[{\"system\":"
                + "\"http://north-hospital.example.org/fhir/sid/mrn\",\"value\":\"MRN-QX-5521\"}]}";
        send("PUT", "/fhir/north/Patient/" + ID, patient);
        send("GET", "/fhir/north/Patient/" + ID, null);
        send("GET", "/fhir/north/Patient?family=Quixotic&birthdate=1931-02-03&identifier=MRN-QX-5521", null);
        send("GET", "/fhir/south/Patient/" + ID, null);
        send(
                "PUT",
                "/fhir/north/Patient/" + ID,
                patient.replace("\"1931-02-03\"", "\"Zebulonia Quixotic 1931-02-03\""));
        send("PUT", "/fhir/north/Patient/" + ID, patient.replace("\"name\"", "\"Zebulonia\""));
        send(
                "POST",
                "/fhir/north/Observation",
                "{\"resourceType\":\"Observation\",\"status\":\"final\","
                        + "\"code\":{\"text\":\"Zebulonia\"},\"subject\":{\"reference\":\"Patient/" + ID
                        + "-MRN-QX-5521\"}}");
        send(
                "PUT",
                "/fhir/north/Condition/" + ID,
                "{\"resourceType\":\"Condition\",\"id\":\"" + ID + "\","
                        + "\"code\":{\"text\":\"pain\"},\"subject\":{\"reference\":\"Patient/" + ID + "\"}}");
        send("DELETE", "/fhir/north/Patient/" + ID, null);
        send("GET", "/fhir/north/Patient?birthdate=Zebulonia", null);

        assertThat(output.getOut()).contains("north read Patient -> 200").contains("north delete Patient -> 409");
        for (String value : PATIENT_DATA) {
            assertThat(output.getAll()).as("logs contain patient data").doesNotContain(value);
        }
    }

    private void send(String method, String path, String body) {
        HttpRequest.BodyPublisher publisher =
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        http(request(path).header("Content-Type", "application/fhir+json").method(method, publisher));
    }
}
