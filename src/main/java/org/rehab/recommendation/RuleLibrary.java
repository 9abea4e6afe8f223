package org.rehab.recommendation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
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

    private static final Pattern CANDIDATE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");

    private final Path directory;
    private final Path candidates;
    private final AtomicReference<RuleSet> current = new AtomicReference<>();

    /** Candidates compiled, by their files: compiling one takes seconds, and every chunk of a run needs it. */
    private final Cache<Map<String, String>, RuleSet> compiledCandidates =
            Caffeine.newBuilder().maximumSize(4).build();

    RuleLibrary(RecommendationSettings settings) {
        this.directory = settings.rulesDirectory();
        this.candidates = settings.candidateRulesDirectory().toAbsolutePath();
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

    /**
     * A candidate rule set, tried on a hospital's population before it is put in force: the DRL files of
     * {@code rehab.recommendation.candidate-rules-directory}/{name}, placed there by the platform's operators. A
     * request names a candidate and never carries rules: a rule's consequence is Java code the server runs.
     *
     * @throws IllegalArgumentException if there is no candidate by that name
     * @throws RuleCompilationException if a file does not compile
     */
    public RuleSet candidate(String name) {
        if (name == null || !CANDIDATE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("A candidate is named with letters, digits, '.', '_' and '-'");
        }
        Path candidate = candidates.resolve(name).normalize();
        if (!candidate.getParent().equals(candidates.normalize()) || !Files.isDirectory(candidate)) {
            throw new IllegalArgumentException("There is no candidate rule set " + name);
        }
        Map<String, String> files = RuleFiles.read(candidate);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("The candidate rule set " + name + " has no DRL file");
        }
        return compiledCandidates.get(files, RuleSet::compile);
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
