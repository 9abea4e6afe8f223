package org.rehab.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.junit.jupiter.api.Test;

class LoadDemoDataTest {

    private static final OffsetDateTime ON_THE_MINUTE = OffsetDateTime.of(2026, 3, 1, 9, 30, 0, 0, ZoneOffset.UTC);

    @Test
    void relativeDatesBecomeValidFhirDatesEvenOnTheMinute() throws Exception {
        String bundle = LoadDemoData.withDates(Files.readString(Path.of("src/demo/demo-patients.json")), ON_THE_MINUTE);

        assertThat(bundle).doesNotContain("{{");
        IParser strict = FhirContext.forR4Cached().newJsonParser().setParserErrorHandler(new StrictErrorHandler());
        Bundle parsed = strict.parseResource(Bundle.class, bundle);
        Patient eleanor = (Patient) resource(parsed, "Patient/108");
        Procedure knee = (Procedure) resource(parsed, "Procedure/108-knee-replacement");
        assertThat(eleanor.getBirthDateElement().getValueAsString()).isEqualTo("1954-03-01");
        assertThat(knee.getPerformedDateTimeType().getValueAsString()).isEqualTo("2026-02-09T09:30:00Z");
    }

    @Test
    void yearsAndDaysAreCountedBackFromNow() {
        String dates = LoadDemoData.withDates("{{date:-72y}} {{date:-20d}} {{dateTime:-1d}}", ON_THE_MINUTE);

        assertThat(dates)
                .isEqualTo(LocalDate.of(1954, 3, 1) + " " + LocalDate.of(2026, 2, 9) + " 2026-02-28T09:30:00Z");
    }

    private static org.hl7.fhir.r4.model.Resource resource(Bundle bundle, String url) {
        return bundle.getEntry().stream()
                .filter(e -> e.getRequest().getUrl().equals(url))
                .findFirst()
                .orElseThrow()
                .getResource();
    }
}
