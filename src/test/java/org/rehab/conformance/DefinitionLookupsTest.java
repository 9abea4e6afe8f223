package org.rehab.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DefinitionLookupsTest {

    @Test
    void canonicalUrlsAreLookedUp() {
        assertThat(DefinitionLookups.canNameADefinition(
                        "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"))
                .isTrue();
        assertThat(DefinitionLookups.canNameADefinition("http://hl7.org/fhir/ValueSet/observation-status|4.0.1"))
                .isTrue();
        assertThat(DefinitionLookups.canNameADefinition("urn:oid:2.16.840.1.113883.6.238"))
                .isTrue();
    }

    @Test
    void referencesBetweenBundleEntriesAreNotLookedUp() {
        assertThat(DefinitionLookups.canNameADefinition("urn:uuid:7f1b8f0e-1c3a-4a53-9d0b-5a5c0b8c1d2e"))
                .isFalse();
        assertThat(DefinitionLookups.canNameADefinition("Patient/urn:uuid:7f1b8f0e-1c3a-4a53-9d0b-5a5c0b8c1d2e"))
                .isFalse();
        assertThat(DefinitionLookups.canNameADefinition("Patient/123")).isFalse();
        assertThat(DefinitionLookups.canNameADefinition(
                        "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999984591"))
                .isFalse();
        assertThat(DefinitionLookups.canNameADefinition(null)).isFalse();
    }

    @Test
    void onlyAUriWithASchemeAndNoQueryCanNameADefinition() {
        assertThat(DefinitionLookups.canNameADefinition("hl7+fhir.v-2:x")).isTrue();
        assertThat(DefinitionLookups.canNameADefinition("2http://example.org/x"))
                .isFalse();
        assertThat(DefinitionLookups.canNameADefinition("ht tp://example.org/x"))
                .isFalse();
        assertThat(DefinitionLookups.canNameADefinition(":no-scheme")).isFalse();
        assertThat(DefinitionLookups.canNameADefinition("no-colon")).isFalse();
        assertThat(DefinitionLookups.canNameADefinition("http://example.org/ValueSet/x?version=1"))
                .isFalse();
        assertThat(DefinitionLookups.canNameADefinition("")).isFalse();
    }
}
