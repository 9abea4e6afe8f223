package org.rehab.population;

import ca.uhn.fhir.batch2.model.JobDefinition;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.rehab.recommendation.PatientEvaluator;
import org.rehab.recommendation.RuleLibrary;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The batch2 job behind a population evaluation: its work chunks live in the database, instances sharing it take
 * chunks from each other, and chunks left unfinished by a stopped instance are sent again when one starts
 * ({@link PopulationEvaluations#resumeAfterRestart}). Not gated: each chunk is evaluated as soon as it is listed.
 */
@Configuration
class PopulationEvaluationJob {

    static final String ID = "rehab-population-evaluation";
    static final int VERSION = 1;
    static final String EVALUATE_STEP = "evaluate-patients";

    @Bean
    JobDefinition<PopulationParameters> populationEvaluationJobDefinition(
            DaoRegistry daos,
            PatientEvaluator evaluator,
            RuleLibrary rules,
            PopulationRuns runs,
            Clock clock,
            MeterRegistry meters) {
        return JobDefinition.newBuilder()
                .setJobDefinitionId(ID)
                .setJobDefinitionVersion(VERSION)
                .setJobDescription("Evaluates the rehabilitation rules for every patient of a hospital, or a Group's")
                .setParametersType(PopulationParameters.class)
                .setParametersValidator((request, parameters) -> problems(parameters))
                .addFirstStep(
                        "list-patients",
                        "Lists the patients to evaluate, in chunks",
                        PatientChunk.class,
                        new PatientLister(daos, runs, clock))
                .addLastStep(
                        EVALUATE_STEP,
                        "Evaluates a chunk of patients and records each one's outcome",
                        new ChunkEvaluator(evaluator, rules, runs, clock, meters))
                .build();
    }

    private static List<String> problems(PopulationParameters parameters) {
        List<String> problems = new ArrayList<>();
        if (parameters.runId() == null || parameters.runId().isBlank()) {
            problems.add("A population evaluation needs its run");
        }
        if (parameters.tenant() == null || parameters.tenant().isBlank()) {
            problems.add("A population evaluation needs its hospital");
        }
        return problems;
    }
}
