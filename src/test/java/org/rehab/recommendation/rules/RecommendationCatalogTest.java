package org.rehab.recommendation.rules;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.ActivityDefinition;
import org.junit.jupiter.api.Test;

/**
 * The catalog's ActivityDefinitions (fhir-profiles/), which the dashboard and FHIR clients read, and the enum the
 * server writes ServiceRequests from say the same: url, title, code, and words a patient understands.
 */
class RecommendationCatalogTest {

    @Test
    void eachRecommendationIsItsActivityDefinition() throws IOException {
        for (RecommendationType type : RecommendationType.values()) {
            ActivityDefinition definition = FhirContext.forR4Cached()
                    .newJsonParser()
                    .parseResource(
                            ActivityDefinition.class,
                            Files.readString(Path.of("fhir-profiles", "ActivityDefinition-" + type.key() + ".json")));

            assertThat(definition.getIdElement().getIdPart()).isEqualTo(type.key());
            assertThat(definition.getUrl()).isEqualTo(type.canonical());
            assertThat(definition.getTitle()).isEqualTo(type.title());
            assertThat(definition.getCode().getCodingFirstRep().getCode()).isEqualTo(type.snomedCode());
            assertThat(definition.getCode().getCodingFirstRep().getDisplay()).isEqualTo(type.snomedDisplay());
            assertThat(definition.getUsage()).as(type.key() + " in plain words").isNotBlank();
        }
    }
}
