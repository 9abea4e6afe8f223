package org.rehab.recommendation;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.drools.compiler.kie.builder.impl.DrlProject;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;
import org.kie.api.runtime.KieSession;
import org.rehab.recommendation.rules.Age;
import org.rehab.recommendation.rules.BodyMassIndex;
import org.rehab.recommendation.rules.ChronicPain;
import org.rehab.recommendation.rules.Evidence;
import org.rehab.recommendation.rules.RecentSurgery;
import org.rehab.recommendation.rules.RuleFiles;

/**
 * Compares the two ways Drools 10 can build the rules in {@code rules/} at run time: the MVEL-based DRL build
 * (drools-mvel, what the server uses) and the executable model (drools-model-codegen). Prints build times and
 * the time of one evaluation (new session, insert facts, fire, dispose). Run with src/bench/rules.sh.
 */
public final class RuleEngineBenchmark {

    private static final int BUILDS = 5;
    private static final int WARMUP = 20_000;
    private static final int FIRINGS = 100_000;

    private RuleEngineBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> files = RuleFiles.read(Path.of("rules"));
        List<Object> facts = List.of(
                new Age(72),
                new ChronicPain(new Evidence("Condition/1", "Chronic pain")),
                new BodyMassIndex(new BigDecimal("31.4"), new Evidence("Observation/2", "BMI"), false),
                new RecentSurgery(
                        new Evidence("Procedure/3", "Knee replacement"),
                        LocalDate.now().minusDays(20),
                        List.of("http://snomed.info/sct|394801008"),
                        true));

        System.out.printf(
                "%-22s %14s %14s %16s %12s%n", "build", "first build", "next builds", "evaluation p50", "p99");
        measure("DRL with drools-mvel", DrlProject.class, files, facts);
        try {
            @SuppressWarnings("unchecked")
            var executableModel = (Class<? extends KieBuilder.ProjectType>)
                    Class.forName("org.drools.model.codegen.ExecutableModelProject");
            measure("executable model", executableModel, files, facts);
        } catch (ClassNotFoundException e) {
            System.out.println(
                    "executable model: drools-model-codegen is not on the classpath (use -Pdrools-executable-model)");
        }
    }

    private static void measure(
            String label,
            Class<? extends KieBuilder.ProjectType> projectType,
            Map<String, String> files,
            List<Object> facts) {
        long first = timeBuild(projectType, files, 0);
        long total = 0;
        for (int i = 1; i <= BUILDS; i++) {
            total += timeBuild(projectType, files, i);
        }
        KieBase kieBase = build(projectType, files, 99);
        for (int i = 0; i < WARMUP; i++) {
            fire(kieBase, facts);
        }
        long[] nanos = new long[FIRINGS];
        for (int i = 0; i < FIRINGS; i++) {
            long start = System.nanoTime();
            fire(kieBase, facts);
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        System.out.printf(
                "%-22s %11d ms %11d ms %13.1f µs %9.1f µs%n",
                label,
                first / 1_000_000,
                total / BUILDS / 1_000_000,
                nanos[FIRINGS / 2] / 1000.0,
                nanos[FIRINGS * 99 / 100] / 1000.0);
    }

    private static long timeBuild(
            Class<? extends KieBuilder.ProjectType> projectType, Map<String, String> files, int n) {
        long start = System.nanoTime();
        build(projectType, files, n);
        return System.nanoTime() - start;
    }

    private static KieBase build(
            Class<? extends KieBuilder.ProjectType> projectType, Map<String, String> files, int n) {
        KieServices kie = KieServices.Factory.get();
        ReleaseId releaseId = kie.newReleaseId("org.rehab", "bench-" + projectType.getSimpleName(), "1." + n);
        KieFileSystem sources = kie.newKieFileSystem().generateAndWritePomXML(releaseId);
        files.forEach(
                (name, content) -> sources.write("src/main/resources/org/rehab/recommendation/rules/" + name, content));
        var results = kie.newKieBuilder(sources).buildAll(projectType).getResults();
        if (results.hasMessages(Message.Level.ERROR)) {
            throw new IllegalStateException(results.toString());
        }
        KieBase kieBase = kie.newKieContainer(releaseId).getKieBase();
        kie.getRepository().removeKieModule(releaseId);
        return kieBase;
    }

    private static int fire(KieBase kieBase, List<Object> facts) {
        KieSession session = kieBase.newKieSession();
        try {
            facts.forEach(session::insert);
            return session.fireAllRules();
        } finally {
            session.dispose();
        }
    }
}
