package org.rehab.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A small FHIR implementation guide, built as an NPM package ({@code .tgz}, laid out as packages.fhir.org
 * publishes them) in a packages folder of its own: one profile on Patient that requires an identifier and a birth
 * date, as a hospital's own guide might.
 */
public final class TestImplementationGuide {

    public static final String PATIENT_PROFILE = "http://example.org/fhir/test-ig/StructureDefinition/test-ig-patient";

    private static final String PACKAGE_JSON =
            """
            {"name": "org.example.test-ig", "version": "0.1.0", "fhirVersions": ["4.0.1"],
             "type": "fhir.ig", "dependencies": {"hl7.fhir.r4.core": "4.0.1"}}""";

    private static final String PROFILE =
            """
            {"resourceType": "StructureDefinition", "id": "test-ig-patient", "url": "%s", "version": "0.1.0",
             "name": "TestIgPatient", "status": "active", "fhirVersion": "4.0.1", "kind": "resource",
             "abstract": false, "type": "Patient", "derivation": "constraint",
             "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Patient",
             "differential": {"element": [
               {"id": "Patient", "path": "Patient"},
               {"id": "Patient.identifier", "path": "Patient.identifier", "min": 1},
               {"id": "Patient.birthDate", "path": "Patient.birthDate", "min": 1}]}}"""
                    .formatted(PATIENT_PROFILE);

    private TestImplementationGuide() {}

    /** Writes the package into a new folder under target/ and returns the folder. */
    public static Path writePackagesFolder() {
        Path folder = Path.of("target", "it-packages-" + Long.toHexString(System.nanoTime()))
                .toAbsolutePath();
        try {
            Files.createDirectories(folder);
            try (OutputStream file = Files.newOutputStream(folder.resolve("org.example.test-ig-0.1.0.tgz"));
                    TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(file))) {
                for (var entry : Map.of(
                                "package/package.json", PACKAGE_JSON,
                                "package/StructureDefinition-test-ig-patient.json", PROFILE)
                        .entrySet()) {
                    byte[] content = entry.getValue().getBytes(StandardCharsets.UTF_8);
                    TarArchiveEntry header = new TarArchiveEntry(entry.getKey());
                    header.setSize(content.length);
                    tar.putArchiveEntry(header);
                    tar.write(content);
                    tar.closeArchiveEntry();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return folder;
    }
}
