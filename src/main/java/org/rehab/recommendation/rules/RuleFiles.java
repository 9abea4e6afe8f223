package org.rehab.recommendation.rules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Reads the DRL files of a rules directory, by file name. */
public final class RuleFiles {

    private RuleFiles() {}

    public static Map<String, String> read(Path directory) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.list(directory)) {
            for (Path path : paths.filter(p -> p.getFileName().toString().endsWith(".drl"))
                    .toList()) {
                files.put(path.getFileName().toString(), Files.readString(path));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the rules in " + directory.toAbsolutePath(), e);
        }
        return files;
    }
}
