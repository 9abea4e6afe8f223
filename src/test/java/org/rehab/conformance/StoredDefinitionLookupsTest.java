package org.rehab.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StoredDefinitionLookupsTest {

    @Test
    void canonicalUrlsAreLookedUp() {
        assertThat(StoredDefinitionLookups.canNameADefinition(
                        "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"))
                .isTrue();
        assertThat(StoredDefinitionLookups.canNameADefinition("http://loinc.org"))
                .isTrue();
        assertThat(StoredDefinitionLookups.canNameADefinition("urn:oid:2.16.840.1.113883.6.238"))
                .isTrue();
    }

    @Test
    void referencesBetweenBundleEntriesAreNotLookedUp() {
        assertThat(StoredDefinitionLookups.canNameADefinition("urn:uuid:7f1b8f0e-1c3a-4a53-9d0b-5a5c0b8c1d2e"))
                .isFalse();
        assertThat(StoredDefinitionLookups.canNameADefinition("Patient/123")).isFalse();
        assertThat(StoredDefinitionLookups.canNameADefinition(
                        "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999984591"))
                .isFalse();
        assertThat(StoredDefinitionLookups.canNameADefinition(null)).isFalse();
    }
}
