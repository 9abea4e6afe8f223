package org.rehab.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.FhirServerIT;

/** An administrator adds a hospital with HAPI's partition-management operation; it is usable at once. */
class TenantManagementIT extends FhirServerIT {

    @Test
    void newTenantIsUsableAtOnceAndIsolated() {
        String name = createTenant("east");

        client(name).update().resource(new Patient().setId("e-1")).execute();

        assertThat(client(name)
                        .read()
                        .resource(Patient.class)
                        .withId("e-1")
                        .execute()
                        .getIdElement()
                        .getIdPart())
                .isEqualTo("e-1");
        assertThat(http(request("/fhir/north/Patient/e-1")).statusCode()).isEqualTo(404);
    }
}
