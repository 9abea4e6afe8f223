package org.rehab.recommendation;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/** The background worker's handling of each patient's outcome, on the queue table, with evaluations that fail. */
class ChangedRecordEvaluatorTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final List<String> evaluatedPatients = new CopyOnWriteArrayList<>();
    private EvaluationQueue queue;
    private DataSource database;
    private ChangedRecordEvaluator worker;

    @BeforeEach
    void queueTable() throws Exception {
        database = EvaluationQueueTest.queueDatabase();
        queue = new EvaluationQueue(new JdbcTemplate(database));
    }

    @AfterEach
    void stopWorker() {
        worker.stop();
    }

    @Test
    void aFailedEvaluationIsCountedAndTriedAgainLaterWhileTheOthersGoOn() throws Exception {
        queue.changed("north", Set.of("fails", "overflows", "fine"), NOW);

        start((request, patient) -> {
            evaluatedPatients.add(patient.getIdPart());
            switch (patient.getIdPart()) {
                case "fails" -> throw new IllegalStateException("the rules could not be fired");
                case "overflows" -> throw new StackOverflowError();
                default -> {}
            }
        });

        // A failure is counted after the patient is tried: waiting for both counts, not only for the tries.
        waitUntil(() -> evaluatedPatients.size() == 3
                && queue.length() == 2
                && meters.counter("rehab.evaluations.on-change.failed").count() == 2.0);
        assertThat(meters.counter("rehab.evaluations.on-change").count()).isEqualTo(1.0);
        assertThat(meters.counter("rehab.evaluations.on-change.failed").count()).isEqualTo(2.0);
        // Not claimable again before a minute has passed, then once more, counted as a second attempt.
        assertThat(queue.claim(10, NOW.plusSeconds(59), NOW.plusSeconds(120))).isEmpty();
        assertThat(queue.claim(10, NOW.plusSeconds(61), NOW.plusSeconds(120)))
                .extracting(EvaluationQueue.Claimed::attempts)
                .containsExactly(1, 1);
        assertThat(evaluatedPatients).hasSize(3);
    }

    @Test
    void anEvaluatedPatientLeavesTheQueueTheTenantTravellingWithTheRequest() throws Exception {
        queue.changed("south", Set.of("p1"), NOW);
        List<String> tenants = new CopyOnWriteArrayList<>();

        start((request, patient) -> {
            tenants.add(request.getTenantId());
            evaluatedPatients.add(patient.getValue());
        });

        waitUntil(() -> queue.length() == 0);
        assertThat(evaluatedPatients).containsExactly("Patient/p1");
        assertThat(tenants).containsExactly("south");
    }

    private void start(ChangedRecordEvaluator.Evaluation evaluation) {
        worker = new ChangedRecordEvaluator(
                queue,
                evaluation,
                new DataSourceTransactionManager(database),
                Clock.fixed(NOW, ZoneOffset.UTC),
                meters);
        worker.start();
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("waited 10 s").isBefore(deadline);
            Thread.sleep(20);
        }
    }
}
