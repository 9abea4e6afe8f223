package org.rehab.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

/**
 * Runs the embedded PostgreSQL outside the tests, for the benchmark scripts: {@code StandalonePostgres <port>
 * <data dir> [database…]} serves the databases named (default {@code rehab}) on 127.0.0.1 until the process is
 * stopped.
 */
public final class StandalonePostgres {

    private StandalonePostgres() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        EmbeddedPostgres server = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(Path.of(args[1]))
                .setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "200")
                .start();
        List<String> databases = args.length > 2 ? List.of(args).subList(2, args.length) : List.of("rehab");
        try (Connection connection = server.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            for (String database : databases) {
                if (!database.matches("[a-z_]+")) {
                    throw new IllegalArgumentException("database names are lower-case letters: " + database);
                }
                var exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'");
                if (!exists.next()) {
                    statement.execute("CREATE DATABASE " + database);
                }
            }
        }
        System.out.println("jdbc:postgresql://127.0.0.1:" + port + "/rehab");
        Thread.currentThread().join();
    }
}
