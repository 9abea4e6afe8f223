package org.rehab.recommendation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.rehab.recommendation.rules.RuleCompilationException;
import org.rehab.recommendation.rules.RuleFiles;
import org.rehab.recommendation.rules.RuleSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The rules in force. They are compiled from the rules directory at start (or, when the server runs without
 * that directory, from the copy packaged in the jar) and can be reloaded at run time: a rule set that does not
 * compile is refused and the previous one keeps serving.
 */
@Component
public class RuleLibrary {

    private static final Logger log = LoggerFactory.getLogger(RuleLibrary.class);

    private final Path directory;
    private final AtomicReference<RuleSet> current = new AtomicReference<>();

    RuleLibrary(RecommendationSettings settings) {
        this.directory = settings.rulesDirectory();
        RuleSet initial = RuleSet.compile(readRules());
        current.set(initial);
        log.info(
                "Loaded rule set {} ({} rules) from {}",
                initial.version(),
                initial.ruleNames().size(),
                source());
    }

    public RuleSet current() {
        return current.get();
    }

    /**
     * Compiles the rules directory again and puts it in force.
     *
     * @throws RuleCompilationException if a file does not compile; the rules in force stay as they were
     */
    public synchronized RuleSet reload() {
        RuleSet reloaded = RuleSet.compile(readRules());
        RuleSet previous = current.getAndSet(reloaded);
        if (!reloaded.version().equals(previous.version())) {
            log.info("Rule set {} replaces {}", reloaded.version(), previous.version());
        }
        return reloaded;
    }

    Path directory() {
        return directory;
    }

    private Map<String, String> readRules() {
        return Files.isDirectory(directory) ? RuleFiles.read(directory) : packagedRules();
    }

    private String source() {
        return Files.isDirectory(directory) ? directory.toAbsolutePath().toString() : "the rules packaged in the jar";
    }

    private static Map<String, String> packagedRules() {
        Map<String, String> files = new TreeMap<>();
        try {
            for (Resource resource : new PathMatchingResourcePatternResolver().getResources("classpath*:rules/*.drl")) {
                try (InputStream in = resource.getInputStream()) {
                    files.put(resource.getFilename(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }
}
