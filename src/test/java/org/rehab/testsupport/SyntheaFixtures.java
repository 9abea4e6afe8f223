package org.rehab.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

/**
 * Synthea 3.3.0 output, exactly as Synthea wrote it (src/bench/synthea.sh 20 42; the files are only gzipped), in
 * src/test/resources/synthea: hospitalInformation, practitionerInformation, patient-living, patient-deceased.
 */
public final class SyntheaFixtures {

    private SyntheaFixtures() {}

    public static String read(String name) {
        try (InputStream in =
                new GZIPInputStream(SyntheaFixtures.class.getResourceAsStream("/synthea/" + name + ".json.gz"))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
