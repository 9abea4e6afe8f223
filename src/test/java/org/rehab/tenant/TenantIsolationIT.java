package org.rehab.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.net.http.HttpResponse;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.ClinicalFixtures;
import org.rehab.testsupport.FhirServerIT;

class TenantIsolationIT extends FhirServerIT {

    @Test
    void transactionDataIsReadableAndSearchableInItsTenantOnly() {
        String id = uniqueId("iso");
        client("north")
                .transaction()
                .withBundle(ClinicalFixtures.clinicalBundle(id, "Northfield"))
                .execute();

        for (Class<? extends Resource> type :
                List.of(Patient.class, Encounter.class, Procedure.class, Condition.class, Observation.class)) {
            String resourceId =
                    type == Patient.class ? id : id + "-" + type.getSimpleName().toLowerCase();
            assertThat(client("north")
                            .read()
                            .resource(type)
                            .withId(resourceId)
                            .execute()
                            .getIdElement()
                            .getIdPart())
                    .isEqualTo(resourceId);
            assertThatThrownBy(() -> client("south")
                            .read()
                            .resource(type)
                            .withId(resourceId)
                            .execute())
                    .isInstanceOf(ResourceNotFoundException.class);
        }
        assertThat(searchCount("north", "Procedure?patient=" + id)).isEqualTo(1);
        assertThat(searchCount("south", "Procedure?patient=" + id)).isZero();
        assertThat(searchCount("south", "Patient?family=Northfield-" + id)).isZero();
    }

    @Test
    void twoHospitalsCanHoldPatientsUnderTheSameId() {
        String id = uniqueId("mpi");
        client("north")
                .transaction()
                .withBundle(ClinicalFixtures.clinicalBundle(id, "North"))
                .execute();
        client("south")
                .transaction()
                .withBundle(ClinicalFixtures.clinicalBundle(id, "South"))
                .execute();

        Patient north =
                client("north").read().resource(Patient.class).withId(id).execute();
        Patient south =
                client("south").read().resource(Patient.class).withId(id).execute();
        assertThat(north.getNameFirstRep().getFamily()).startsWith("North-");
        assertThat(south.getNameFirstRep().getFamily()).startsWith("South-");
        assertThat(north.getMeta().getVersionId()).isEqualTo("1");
        assertThat(south.getMeta().getVersionId()).isEqualTo("1");
    }

    @Test
    void searchesFollowingReferencesStayInsideTheTenant() {
        String id = uniqueId("chain");
        client("north")
                .transaction()
                .withBundle(ClinicalFixtures.clinicalBundle(id, "Chainwright"))
                .execute();
        client("south")
                .transaction()
                .withBundle(ClinicalFixtures.clinicalBundle(id, "Chainwright"))
                .execute();

        Bundle included = client("north")
                .search()
                .byUrl("Procedure?patient=" + id + "&_include=Procedure:encounter&_include=Procedure:subject")
                .returnBundle(Bundle.class)
                .execute();
        assertThat(included.getEntry()).hasSize(3);
        Bundle chained = client("south")
                .search()
                .byUrl("Observation?subject.family=Chainwright-" + id)
                .returnBundle(Bundle.class)
                .execute();
        assertThat(chained.getEntry()).hasSize(1);
        assertThat(chained.getEntryFirstRep().getResource().getMeta().getVersionId())
                .isEqualTo("1");
        Bundle everything = client("south")
                .operation()
                .onInstance("Patient/" + id)
                .named("$everything")
                .withNoParameters(org.hl7.fhir.r4.model.Parameters.class)
                .returnResourceType(Bundle.class)
                .execute();
        assertThat(everything.getEntry()).hasSize(5);
    }

    @Test
    void unknownTenantAnswers404WithOperationOutcome() {
        for (String path : List.of("/fhir/nowhere/metadata", "/fhir/nowhere/Patient/1", "/fhir/_ALL/Patient")) {
            HttpResponse<String> response = http(request(path));
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.body()).as(path).contains("OperationOutcome");
        }
    }

    @Test
    void clinicalDataCannotBeWrittenToTheSharedDefaultTenant() {
        HttpResponse<String> response = http(request("/fhir/DEFAULT/Patient")
                .header("Content-Type", "application/fhir+json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\"}")));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("shared definitions only");
    }

    @Test
    void eachTenantServesItsCapabilityStatement() {
        HttpResponse<String> response = http(request("/fhir/north/metadata").header("Accept", "application/fhir+json"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"resourceType\":\"CapabilityStatement\"");
    }

    private int searchCount(String tenant, String url) {
        return client(tenant)
                .search()
                .byUrl(url)
                .returnBundle(Bundle.class)
                .execute()
                .getEntry()
                .size();
    }
}
