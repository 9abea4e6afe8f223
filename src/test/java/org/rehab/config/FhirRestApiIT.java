package org.rehab.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.FhirServerIT;

/** The standard FHIR R4 REST interactions an EHR integration relies on. */
class FhirRestApiIT extends FhirServerIT {

    private static final String MRN = "http://north-hospital.example.org/fhir/sid/mrn";

    @Test
    void clientAssignedNumericIdCreatesThePatient() {
        String id = Long.toString(System.nanoTime() % 1_000_000_000L);

        MethodOutcome outcome =
                client("north").update().resource(patient(id, "Numeric")).execute();

        assertThat(outcome.getCreated()).isTrue();
        assertThat(outcome.getId().getIdPart()).isEqualTo(id);
    }

    @Test
    void updatesAreVersionedWithHistoryAndVread() {
        String id = uniqueId("ver");
        client("north").update().resource(patient(id, "First")).execute();
        client("north").update().resource(patient(id, "Second")).execute();

        Patient current =
                client("north").read().resource(Patient.class).withId(id).execute();
        Patient first = client("north")
                .read()
                .resource(Patient.class)
                .withIdAndVersion(id, "1")
                .execute();
        Bundle history = client("north")
                .history()
                .onInstance("Patient/" + id)
                .returnBundle(Bundle.class)
                .execute();

        assertThat(current.getMeta().getVersionId()).isEqualTo("2");
        assertThat(current.getNameFirstRep().getFamily()).isEqualTo("Second");
        assertThat(first.getNameFirstRep().getFamily()).isEqualTo("First");
        assertThat(history.getEntry()).hasSize(2);
    }

    @Test
    void historyReadRightAfterAnUpdateShowsTheNewVersion() {
        String id = uniqueId("hist");
        client("north").update().resource(patient(id, "First")).execute();
        assertThat(historyOf(id).getEntry()).hasSize(1);

        client("north").update().resource(patient(id, "Second")).execute();

        assertThat(historyOf(id).getEntry()).hasSize(2);
    }

    @Test
    void deletedResourceIsGoneButKeepsItsHistory() {
        String id = uniqueId("del");
        client("north").update().resource(patient(id, "Gone")).execute();
        client("north").delete().resourceById("Patient", id).execute();

        assertThatThrownBy(() -> client("north")
                        .read()
                        .resource(Patient.class)
                        .withId(id)
                        .execute())
                .isInstanceOf(ResourceGoneException.class);
        assertThat(client("north")
                        .read()
                        .resource(Patient.class)
                        .withIdAndVersion(id, "1")
                        .execute()
                        .getNameFirstRep()
                        .getFamily())
                .isEqualTo("Gone");
    }

    @Test
    void conditionalCreateDoesNotDuplicate() {
        String mrn = uniqueId("mrn");
        Patient patient = new Patient();
        patient.addIdentifier().setSystem(MRN).setValue(mrn);

        MethodOutcome first = client("north")
                .create()
                .resource(patient)
                .conditionalByUrl("Patient?identifier=" + MRN + "|" + mrn)
                .execute();
        MethodOutcome second = client("north")
                .create()
                .resource(patient)
                .conditionalByUrl("Patient?identifier=" + MRN + "|" + mrn)
                .execute();

        assertThat(first.getCreated()).isTrue();
        assertThat(second.getCreated()).isNotEqualTo(Boolean.TRUE);
        assertThat(second.getId().getIdPart()).isEqualTo(first.getId().getIdPart());
    }

    @Test
    void conditionalUpdateFindsThePatientByIdentifier() {
        String mrn = uniqueId("mrn");
        Patient patient = new Patient();
        patient.addIdentifier().setSystem(MRN).setValue(mrn);
        patient.addName().setFamily("Before");
        String id = client("north").create().resource(patient).execute().getId().getIdPart();

        patient.getNameFirstRep().setFamily("After");
        client("north")
                .update()
                .resource(patient)
                .conditionalByUrl("Patient?identifier=" + MRN + "|" + mrn)
                .execute();

        Patient updated =
                client("north").read().resource(Patient.class).withId(id).execute();
        assertThat(updated.getNameFirstRep().getFamily()).isEqualTo("After");
        assertThat(updated.getMeta().getVersionId()).isEqualTo("2");
    }

    @Test
    void failingTransactionStoresNothing() {
        String id = uniqueId("tx");
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        bundle.addEntry()
                .setResource(patient(id, "Atomic"))
                .getRequest()
                .setMethod(Bundle.HTTPVerb.PUT)
                .setUrl("Patient/" + id);
        Observation invalid = new Observation(); // no status: invalid
        invalid.setCode(new CodeableConcept().setText("x"));
        bundle.addEntry()
                .setResource(invalid)
                .getRequest()
                .setMethod(Bundle.HTTPVerb.POST)
                .setUrl("Observation");

        assertThatThrownBy(
                        () -> client("north").transaction().withBundle(bundle).execute())
                .isInstanceOfSatisfying(BaseServerResponseException.class, e -> assertThat(e.getStatusCode())
                        .isBetween(400, 499));
        assertThat(client("north")
                        .search()
                        .byUrl("Patient?_id=" + id)
                        .returnBundle(Bundle.class)
                        .execute()
                        .getEntry())
                .isEmpty();
    }

    @Test
    void batchEntriesSucceedOrFailOneByOne() {
        String id = uniqueId("batch");
        Bundle bundle = new Bundle().setType(Bundle.BundleType.BATCH);
        bundle.addEntry()
                .setResource(patient(id, "Batched"))
                .getRequest()
                .setMethod(Bundle.HTTPVerb.PUT)
                .setUrl("Patient/" + id);
        bundle.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient/" + id + "-missing");

        Bundle response = client("north").transaction().withBundle(bundle).execute();

        assertThat(response.getEntry().get(0).getResponse().getStatus()).startsWith("201");
        assertThat(response.getEntry().get(1).getResponse().getStatus()).startsWith("404");
    }

    @Test
    void searchRevincludesConditionsOfThePatient() {
        String id = uniqueId("rev");
        client("north").update().resource(patient(id, "Revinclude")).execute();
        Condition condition = new Condition();
        condition.setId(id + "-c");
        condition.setCode(new CodeableConcept().setText("Chronic pain"));
        condition.setSubject(new Reference("Patient/" + id));
        client("north").update().resource(condition).execute();

        Bundle result = client("north")
                .search()
                .byUrl("Patient?_id=" + id + "&_revinclude=Condition:subject")
                .returnBundle(Bundle.class)
                .execute();

        assertThat(result.getEntry())
                .extracting(e -> e.getResource().fhirType())
                .containsExactlyInAnyOrder("Patient", "Condition");
    }

    private Bundle historyOf(String patientId) {
        return client("north")
                .history()
                .onInstance("Patient/" + patientId)
                .returnBundle(Bundle.class)
                .execute();
    }

    private static Patient patient(String id, String family) {
        Patient patient = new Patient();
        patient.setId(id);
        patient.addName().setFamily(family);
        return patient;
    }
}
