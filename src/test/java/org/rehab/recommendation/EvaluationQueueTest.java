package org.rehab.recommendation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** The evaluation queue's rules, on the embedded database with the server's own table. */
class EvaluationQueueTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final Duration CLAIM = Duration.ofMinutes(5);

    private EvaluationQueue queue;

    @BeforeEach
    void emptyQueue() throws IOException {
        queue = new EvaluationQueue(new JdbcTemplate(queueDatabase()));
    }

    /** An embedded database of its own with the server's queue table, empty. */
    static DataSource queueDatabase() throws IOException {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:queue" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        for (String statement : Files.readString(Path.of("src/main/resources/db/rehab/V7__evaluation_queue.sql"))
                .replaceAll("(?m)^--.*$", "")
                .split(";")) {
            if (!statement.isBlank()) {
                jdbc.execute(statement);
            }
        }
        return dataSource;
    }

    @Test
    void aPatientIsQueuedOnceHoweverManyChangesArrive() {
        queue.changed("north", Set.of("p1"), NOW);
        queue.changed("north", Set.of("p1", "p2"), NOW.plusSeconds(1));
        queue.changed("north", Set.of("p1"), NOW.plusSeconds(2));

        assertThat(queue.length()).isEqualTo(2);
        assertThat(patients(queue.claim(10, NOW.plusSeconds(3), NOW.plus(CLAIM))))
                .containsExactly("p1", "p2");
    }

    @Test
    void patientsAreServedInTheOrderTheyJoinedEvenIfTheirRecordKeepsChanging() {
        queue.changed("north", Set.of("busy"), NOW);
        queue.changed("north", Set.of("quiet"), NOW.plusSeconds(1));
        queue.changed("north", Set.of("busy"), NOW.plusSeconds(2));

        assertThat(patients(queue.claim(1, NOW.plusSeconds(3), NOW.plus(CLAIM))))
                .containsExactly("busy");
        assertThat(queue.oldestChange()).contains(NOW);
    }

    @Test
    void oneHospitalsLongQueueDoesNotHoldUpAnothers() {
        for (int i = 0; i < 10; i++) {
            queue.changed("north", Set.of("initial-load-" + i), NOW.plusSeconds(i));
        }
        queue.changed("south", Set.of("changed-later"), NOW.plusSeconds(20));

        List<String> firstBatch = patients(queue.claim(4, NOW.plusSeconds(21), NOW.plus(CLAIM)));

        assertThat(firstBatch).contains("changed-later", "initial-load-0", "initial-load-1");
        assertThat(firstBatch).doesNotContain("initial-load-9");
    }

    @Test
    void aClaimedPatientIsNotClaimedAgainUntilTheClaimRunsOut() {
        queue.changed("north", Set.of("p1"), NOW);
        queue.claim(10, NOW, NOW.plus(CLAIM));

        assertThat(queue.claim(10, NOW.plusSeconds(1), NOW.plus(CLAIM))).isEmpty();
        assertThat(patients(queue.claim(10, NOW.plus(CLAIM).plusSeconds(1), NOW.plus(CLAIM.multipliedBy(2)))))
                .containsExactly("p1");
    }

    @Test
    void anEvaluatedPatientLeavesTheQueueUnlessTheirRecordChangedMeanwhile() {
        queue.changed("north", Set.of("p1", "p2"), NOW);
        List<EvaluationQueue.Claimed> claimed = queue.claim(10, NOW, NOW.plus(CLAIM));
        queue.changed("north", Set.of("p2"), NOW.plusSeconds(1)); // during p2's evaluation

        claimed.forEach(queue::evaluated);

        assertThat(patients(queue.claim(10, NOW.plusSeconds(2), NOW.plus(CLAIM))))
                .containsExactly("p2");
    }

    @Test
    void aFailedEvaluationIsTriedAgainLaterAndLaterUnlessTheRecordChanges() {
        queue.changed("north", Set.of("p1"), NOW);
        queue.failed(queue.claim(10, NOW, NOW.plus(CLAIM)).get(0), NOW);

        assertThat(queue.claim(10, NOW.plusSeconds(59), NOW.plus(CLAIM))).isEmpty();
        EvaluationQueue.Claimed second =
                queue.claim(10, NOW.plusSeconds(61), NOW.plus(CLAIM)).get(0);
        assertThat(second.attempts()).isEqualTo(1);
        queue.failed(second, NOW.plusSeconds(61));
        assertThat(queue.claim(10, NOW.plusSeconds(61 + 119), NOW.plus(CLAIM))).isEmpty();

        queue.changed("north", Set.of("p1"), NOW.plusSeconds(62));
        assertThat(queue.claim(10, NOW.plusSeconds(63), NOW.plus(CLAIM)))
                .singleElement()
                .satisfies(again -> assertThat(again.attempts()).isZero());
        assertThat(queue.length()).isEqualTo(1);
    }

    private static List<String> patients(List<EvaluationQueue.Claimed> claimed) {
        return claimed.stream().map(EvaluationQueue.Claimed::patientId).toList();
    }
}
