package org.rehab.recommendation.rules;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.drools.compiler.kie.builder.impl.DrlProject;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;
import org.kie.api.builder.Results;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;
import org.kie.api.runtime.KieContainer;
import org.kie.api.runtime.KieContainerSessionsPool;
import org.kie.api.runtime.KieSession;

/**
 * A compiled, immutable set of DRL rules and its version (a content hash of the files). Firing it on a patient's
 * facts returns the recommendations the rules assert; the rules see only those facts.
 */
public final class RuleSet {

    /** Where the files sit in the in-memory KIE project: the folder of their DRL package. */
    private static final String SOURCE_FOLDER = "src/main/resources/org/rehab/recommendation/rules/";

    /** The name of each rule in a DRL file: {@code rule "Name"}. */
    private static final Pattern RULE_NAME = Pattern.compile("^\\s*rule\\s+\"([^\"]+)\"", Pattern.MULTILINE);

    /** Sessions are reused (reset on dispose): creating one cost a sixth of a first evaluation's CPU. */
    private static final int POOLED_SESSIONS = 16;

    private final KieContainerSessionsPool sessions;
    private final String version;
    private final List<String> ruleNames;
    private final Map<String, String> fileOfRule;

    private RuleSet(KieContainer container, String version, Map<String, String> files) {
        KieBase kieBase = container.getKieBase();
        this.sessions = container.newKieSessionsPool(POOLED_SESSIONS);
        this.version = version;
        Map<String, String> fileOfRule = new TreeMap<>();
        files.forEach((file, content) ->
                RULE_NAME.matcher(content).results().forEach(rule -> fileOfRule.put(rule.group(1), file)));
        this.fileOfRule = Map.copyOf(fileOfRule);
        List<String> names = new ArrayList<>();
        for (KiePackage kiePackage : kieBase.getKiePackages()) {
            kiePackage.getRules().stream().map(Rule::getName).forEach(names::add);
        }
        names.sort(String::compareTo);
        this.ruleNames = List.copyOf(names);
    }

    /**
     * Compiles DRL files, by file name.
     *
     * @throws RuleCompilationException naming each error's file, line and column
     */
    public static RuleSet compile(Map<String, String> drlFiles) {
        SortedMap<String, String> files = new TreeMap<>(drlFiles);
        if (files.isEmpty()) {
            throw new RuleCompilationException(
                    List.of(new RuleCompilationException.Problem("", 0, 0, "No rule files (*.drl) were found")));
        }
        String version = versionOf(files);
        KieServices kie = KieServices.Factory.get();
        ReleaseId releaseId = kie.newReleaseId("org.rehab", "rules", version.replace(':', '-'));
        KieFileSystem sources = kie.newKieFileSystem().generateAndWritePomXML(releaseId);
        files.forEach((name, content) -> sources.write(SOURCE_FOLDER + name, content));

        Results results = kie.newKieBuilder(sources).buildAll(DrlProject.class).getResults();
        List<RuleCompilationException.Problem> problems = results.getMessages(Message.Level.ERROR).stream()
                .filter(message -> !message.getText().contains("Parser returned a null Package"))
                .map(message -> RuleCompilationException.Problem.locate(
                        fileName(message.getPath()),
                        files.getOrDefault(fileName(message.getPath()), ""),
                        message.getLine(),
                        message.getText()))
                .toList();
        if (!problems.isEmpty()) {
            kie.getRepository().removeKieModule(releaseId);
            throw new RuleCompilationException(problems);
        }
        RuleSet ruleSet = new RuleSet(kie.newKieContainer(releaseId), version, files);
        kie.getRepository().removeKieModule(releaseId);
        return ruleSet;
    }

    /** Fires the rules on one patient's facts. */
    public List<Recommendation> fire(Collection<?> facts) {
        KieSession session = sessions.newKieSession();
        try {
            facts.forEach(session::insert);
            session.fireAllRules();
            return session.getObjects(Recommendation.class::isInstance).stream()
                    .map(Recommendation.class::cast)
                    .sorted((a, b) -> a.type().compareTo(b.type()))
                    .toList();
        } finally {
            session.dispose();
        }
    }

    /** A content hash of the rule files, e.g. {@code sha256:3f2a9c0d41b7}. */
    public String version() {
        return version;
    }

    public List<String> ruleNames() {
        return ruleNames;
    }

    /** The DRL file that defines a rule. */
    public String fileOf(String ruleName) {
        return fileOfRule.getOrDefault(ruleName, "");
    }

    private static String fileName(String path) {
        return path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
    }

    private static String versionOf(SortedMap<String, String> files) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            files.forEach((name, content) -> {
                digest.update(name.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(content.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            });
            return "sha256:" + HexFormat.of().formatHex(digest.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
