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
                ParametersParameterComponent failure = report.addParameter().setName("failure");
                failure.addPart().setName("patient").setValue(new Reference("Patient/" + result.patientId()));
                failure.addPart().setName("reason").setValue(new StringType(result.failure()));
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
        return report;
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
