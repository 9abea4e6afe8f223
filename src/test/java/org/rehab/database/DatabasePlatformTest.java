package org.rehab.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabasePlatformTest {

    @Test
    void embeddedDefaultIsH2() {
        assertThat(DatabasePlatform.fromJdbcUrl("jdbc:h2:file:./data/h2/rehab")).isEqualTo(DatabasePlatform.H2);
    }

    @Test
    void postgresqlUrlSelectsPostgresql() {
        assertThat(DatabasePlatform.fromJdbcUrl("jdbc:postgresql://db:5432/rehab"))
                .isEqualTo(DatabasePlatform.POSTGRESQL);
    }

    @Test
    void otherDatabasesAreRefusedWithAnExplanation() {
        assertThatThrownBy(() -> DatabasePlatform.fromJdbcUrl("jdbc:mysql://db/rehab"))
                .hasMessageContaining("jdbc:postgresql");
    }
}
