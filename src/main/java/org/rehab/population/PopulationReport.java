package org.rehab.population;

import java.util.Arrays;
import java.util.Date;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.rehab.population.PopulationRuns.Outcome;
import org.rehab.population.PopulationRuns.Result;
import org.rehab.population.PopulationRuns.Run;
import org.rehab.recommendation.rules.RecommendationType;

/**
 * The result of a population evaluation, as a Parameters resource: how many patients were evaluated; per
 * recommendation, how many patients got it created, already had it active, had it accepted or declined on the same
 * evidence, would get it (dry run), or have it active without the rules' support any more; each patient with a
 * recommendation and what it is; and each patient whose evaluation failed, with why.
 */
final class PopulationReport {

    /** The statuses counted per recommendation, as {@code $evaluate} names them, then the active unsupported ones. */
    private static final List<String> COUNTED =
            List.of("created", "already-active", "accepted", "declined", "would-create", "no-longer-supported");

    private PopulationReport() {}

    static Parameters toParameters(Run run, List<Result> results) {
        Parameters report = new Parameters();
        report.addParameter("runId", new StringType(run.id()));
        report.addParameter("population", new StringType(run.population()));
        report.addParameter("dryRun", new BooleanType(run.dryRun()));
        report.addParameter().setName("startedAt").setValue(new DateTimeType(Date.from(run.startedAt())));
        report.addParameter().setName("endedAt").setValue(new DateTimeType(Date.from(run.endedAt())));
        report.addParameter("patients", new IntegerType(run.total() == null ? results.size() : run.total()));
        report.addParameter("evaluated", new IntegerType(count(results, Outcome.EVALUATED)));
        report.addParameter("failed", new IntegerType(count(results, Outcome.FAILED)));
        report.addParameter("deleted", new IntegerType(count(results, Outcome.NOT_FOUND)));

        if (run.shadow()) {
            report.addParameter("candidate", new StringType(run.candidate()));
            report.addParameter("candidateVersion", new StringType(run.candidateVersion()));
            comparison(report, results);
        } else {
            evaluation(report, results);
        }
        return report;
    }

    /** Per recommendation, the patients by status; then each patient with a recommendation, or a failure. */
    private static void evaluation(Parameters report, List<Result> results) {
        Map<RecommendationType, Map<String, Integer>> counts = new EnumMap<>(RecommendationType.class);
        for (RecommendationType type : RecommendationType.values()) {
            Map<String, Integer> byStatus = new LinkedHashMap<>();
            COUNTED.forEach(status -> byStatus.put(status, 0));
            counts.put(type, byStatus);
        }
        for (Result result : results) {
            pairs(result.recommendations())
                    .forEach(pair -> counts.get(pair.type()).merge(pair.status(), 1, Integer::sum));
            keys(result.noLongerSupported())
                    .forEach(type -> counts.get(type).merge("no-longer-supported", 1, Integer::sum));
        }
        counts.forEach((type, byStatus) -> {
            ParametersParameterComponent recommendation = report.addParameter().setName("recommendation");
            recommendation.addPart().setName("code").setValue(new CodeType(type.key()));
            recommendation.addPart().setName("title").setValue(new StringType(type.title()));
            byStatus.forEach(
                    (status, count) -> recommendation.addPart().setName(status).setValue(new IntegerType(count)));
        });

        for (Result result : results) {
            if (result.outcome() != Outcome.EVALUATED) {
                failure(report, result);
            } else if (!pairs(result.recommendations()).isEmpty()
                    || !keys(result.noLongerSupported()).isEmpty()) {
                ParametersParameterComponent patient = report.addParameter().setName("patient");
                patient.addPart().setName("patient").setValue(new Reference("Patient/" + result.patientId()));
                for (Pair pair : pairs(result.recommendations())) {
                    ParametersParameterComponent recommended = patient.addPart().setName("recommendation");
                    recommended
                            .addPart()
                            .setName("code")
                            .setValue(new CodeType(pair.type().key()));
                    recommended.addPart().setName("status").setValue(new CodeType(pair.status()));
                }
                for (RecommendationType type : keys(result.noLongerSupported())) {
                    patient.addPart().setName("noLongerSupported").setValue(new CodeType(type.key()));
                }
            }
        }
    }

    /**
     * A shadow run: per recommendation, how many patients the rules in force and the candidate recommend it for, and
     * how many would gain or lose it; then each patient who would gain or lose one, and each failure.
     */
    private static void comparison(Parameters report, List<Result> results) {
        for (RecommendationType type : RecommendationType.values()) {
            int inForce = 0;
            int withCandidate = 0;
            int gained = 0;
            int lost = 0;
            for (Result result : results) {
                boolean now = keys(result.recommendations()).contains(type);
                boolean then = keys(result.candidate()).contains(type);
                inForce += now ? 1 : 0;
                withCandidate += then ? 1 : 0;
                gained += !now && then ? 1 : 0;
                lost += now && !then ? 1 : 0;
            }
            ParametersParameterComponent recommendation = report.addParameter().setName("recommendation");
            recommendation.addPart().setName("code").setValue(new CodeType(type.key()));
            recommendation.addPart().setName("title").setValue(new StringType(type.title()));
            recommendation.addPart().setName("in-force").setValue(new IntegerType(inForce));
            recommendation.addPart().setName("with-candidate").setValue(new IntegerType(withCandidate));
            recommendation.addPart().setName("gained").setValue(new IntegerType(gained));
            recommendation.addPart().setName("lost").setValue(new IntegerType(lost));
        }
        for (Result result : results) {
            if (result.outcome() != Outcome.EVALUATED) {
                failure(report, result);
                continue;
            }
            List<RecommendationType> now = keys(result.recommendations());
            List<RecommendationType> then = keys(result.candidate());
            if (now.equals(then)) {
                continue;
            }
            ParametersParameterComponent change = report.addParameter().setName("change");
            change.addPart().setName("patient").setValue(new Reference("Patient/" + result.patientId()));
            then.stream()
                    .filter(type -> !now.contains(type))
                    .forEach(type -> change.addPart().setName("gains").setValue(new CodeType(type.key())));
            now.stream()
                    .filter(type -> !then.contains(type))
                    .forEach(type -> change.addPart().setName("loses").setValue(new CodeType(type.key())));
        }
    }

    private static void failure(Parameters report, Result result) {
        ParametersParameterComponent failure = report.addParameter().setName("failure");
        failure.addPart().setName("patient").setValue(new Reference("Patient/" + result.patientId()));
        failure.addPart().setName("reason").setValue(new StringType(result.failure()));
    }

    private record Pair(RecommendationType type, String status) {}

    private static List<Pair> pairs(String recorded) {
        if (recorded == null || recorded.isBlank()) {
            return List.of();
        }
        return List.of(recorded.split(",")).stream()
                .map(pair -> pair.split("=", 2))
                .filter(pair -> pair.length == 2 && known(pair[0]))
                .map(pair -> new Pair(RecommendationType.fromKey(pair[0]), pair[1]))
                .toList();
    }

    private static List<RecommendationType> keys(String recorded) {
        if (recorded == null || recorded.isBlank()) {
            return List.of();
        }
        return List.of(recorded.split(",")).stream()
                .filter(PopulationReport::known)
                .map(RecommendationType::fromKey)
                .toList();
    }

    /** Whether the catalog still has the recommendation (a report outlives a change of the catalog). */
    private static boolean known(String key) {
        return Arrays.stream(RecommendationType.values())
                .anyMatch(type -> type.key().equals(key));
    }

    private static int count(List<Result> results, Outcome outcome) {
        return (int) results.stream().filter(r -> r.outcome() == outcome).count();
    }
}
