package io.checkpass.server.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * {@code checkpass serve --demo} as a separate process on an embedded data directory, as in production, for tests
 * that kill it (or its PostgreSQL) and start it again.
 */
public final class ServeProcess {
    private ServeProcess() {}

    /** Starts the server on this data directory and port and waits until it is ready (90 s at most). */
    public static Process start(Path data, int port) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "-Xmx512m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.checkpass.server.cli.CheckpassCli",
                        "serve",
                        "--demo",
                        "--demo-persons",
                        "10",
                        "--data",
                        data.toString(),
                        "--port",
                        Integer.toString(port),
                        "--host",
                        "127.0.0.1",
                        "--sip-port",
                        "0")
                .redirectErrorStream(true)
                .redirectOutput(
                        data.resolve("server-" + System.nanoTime() + ".log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        HttpClient http = HttpClient.newHttpClient();
        while (System.nanoTime() < deadline) {
            assertThat(p.isAlive())
                    .as("server process exited early; see " + data)
                    .isTrue();
            try {
                if (Files.exists(data.resolve("demo-credentials.json"))
                        && http.send(
                                                HttpRequest.newBuilder(URI.create(
                                                                "http://127.0.0.1:" + port + "/health/ready"))
                                                        .build(),
                                                HttpResponse.BodyHandlers.discarding())
                                        .statusCode()
                                == 200) {
                    return p;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("server did not become ready in 90 s; logs in " + data);
    }

    /** The pid of the embedded postmaster (line 1 of postmaster.pid). */
    public static long postmasterPid(Path data) throws IOException {
        return Long.parseLong(postmasterPidLines(data).get(0).trim());
    }

    /** A connection as the embedded database's superuser, with its password from the data directory. */
    public static Connection ownerConnection(Path data) throws IOException, SQLException {
        Properties passwords = new Properties();
        try (Reader in = Files.newBufferedReader(data.resolve("embedded-pg.passwords"))) {
            passwords.load(in);
        }
        int port = Integer.parseInt(postmasterPidLines(data).get(3).trim());
        return DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + port + "/postgres", "postgres", passwords.getProperty("postgres"));
    }

    private static List<String> postmasterPidLines(Path data) throws IOException {
        return Files.readAllLines(data.resolve("pg").resolve("postmaster.pid"));
    }
}
