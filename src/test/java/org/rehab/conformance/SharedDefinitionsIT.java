package org.rehab.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.ActivityDefinition;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;
import org.rehab.testsupport.FhirServerIT;
import org.springframework.beans.factory.annotation.Autowired;

/** The catalog and the profiles are loaded from fhir-profiles/ and readable from every tenant. */
class SharedDefinitionsIT extends FhirServerIT {

    @Autowired
    DefinitionFilesLoader loader;

    @Test
    void catalogHasTheThreeRecommendationsInEveryTenant() {
        for (String tenant : List.of("north", "south")) {
            Bundle catalog = client(tenant)
                    .search()
                    .forResource(ActivityDefinition.class)
                    .returnBundle(Bundle.class)
                    .execute();
            assertThat(catalog.getEntry())
                    .extracting(e -> ((ActivityDefinition) e.getResource())
                            .getCode()
                            .getCodingFirstRep()
                            .getCode())
                    .contains("91251008", "718361005", "52052004");
            assertThat(client(tenant)
                            .read()
                            .resource(ActivityDefinition.class)
                            .withId("post-op-rehabilitation-plan")
                            .execute()
                            .getUrl())
                    .isEqualTo("http://rehab.example.org/fhir/ActivityDefinition/post-op-rehabilitation-plan");
        }
    }

    @Test
    void recommendationProfileIsReadableFromEveryTenant() {
        for (String tenant : List.of("north", "south")) {
            StructureDefinition profile = client(tenant)
                    .read()
                    .resource(StructureDefinition.class)
                    .withId("rehab-recommendation")
                    .execute();
            assertThat(profile.getType()).isEqualTo("ServiceRequest");
        }
    }

    @Test
    void catalogEntryEditedOverRestSurvivesAReload() throws Exception {
        ActivityDefinition weight = client("DEFAULT")
                .read()
                .resource(ActivityDefinition.class)
                .withId("weight-management-program")
                .execute();
        String editedDescription = "Twelve weekly group sessions with a dietitian (edited " + uniqueId("v") + ")";
        weight.setDescription(editedDescription);
        weight.getMeta().setSource(null);
        client("DEFAULT").update().resource(weight).execute();

        loader.run(null);

        assertThat(client("north")
                        .read()
                        .resource(ActivityDefinition.class)
                        .withId("weight-management-program")
                        .execute()
                        .getDescription())
                .isEqualTo(editedDescription);
    }

    @Test
    void changedFileReplacesAnEditMadeOverRest() throws Exception {
        String file = "ActivityDefinition-physical-therapy.json";
        String original = new String(
                getClass().getResourceAsStream("/fhir-profiles/" + file).readAllBytes(), StandardCharsets.UTF_8);
        ActivityDefinition therapy = read("physical-therapy");
        therapy.setDescription("Edited over REST");
        therapy.getMeta().setSource(null);
        client("DEFAULT").update().resource(therapy).execute();

        loader.load(file, original.replace("older patient", "patient over 65"));
        String afterFileChange = read("physical-therapy").getDescription();
        loader.load(file, original);

        assertThat(afterFileChange).contains("patient over 65").doesNotContain("Edited over REST");
        assertThat(read("physical-therapy").getDescription()).contains("older patient");
    }

    @Test
    void reloadingUnchangedFilesWritesNothing() throws Exception {
        String before = versionOf("physical-therapy");

        loader.run(null);

        assertThat(versionOf("physical-therapy")).isEqualTo(before);
    }

    private String versionOf(String id) {
        return read(id).getMeta().getVersionId();
    }

    private ActivityDefinition read(String id) {
        return client("north")
                .read()
                .resource(ActivityDefinition.class)
                .withId(id)
                .execute();
    }
}
