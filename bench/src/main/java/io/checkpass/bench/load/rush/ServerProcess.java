package io.checkpass.bench.load.rush;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code checkpass serve} as a separate process, so the drill can SIGKILL it like a crashed machine and start it
 * again on the same data directory and ports. It runs on this JVM's java and class path (the bench jar's
 * manifest class path holds the server).
 */
final class ServerProcess {
    private final List<String> command;
    private final int clockStartIndex;
    private final Path dataDir;
    private final int port;
    private final Map<String, String> environment = new HashMap<>();
    private Process process;
    private int starts;

    ServerProcess(Path dataDir, int port, int sipPort, String clockStart, List<String> extra) {
        this.dataDir = dataDir;
        this.port = port;
        String java = ProcessHandle.current().info().command().orElse("java");
        command = new ArrayList<>(List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx1g",
                "-Dcheckpass.log.level=WARN",
                "-cp",
                System.getProperty("java.class.path"),
                "io.checkpass.server.cli.CheckpassCli",
                "serve",
                "--data",
                dataDir.toString(),
                "--port",
                Integer.toString(port),
                "--host",
                "127.0.0.1",
                "--sip-port",
                Integer.toString(sipPort),
                "--clock-start",
                clockStart));
        clockStartIndex = command.size() - 1;
        command.addAll(extra);
    }

    /** Sets an environment variable of the server process (configuration overrides, e.g. CHECKPASS_LIMITS_INGEST). */
    ServerProcess environment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Starts the server and waits until it answers ready. */
    void start(Duration timeout) throws IOException, InterruptedException {
        starts++;
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dataDir.resolve("server.log").toFile()));
        builder.environment().putAll(environment);
        process = builder.start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the server exited during start (exit " + process.exitValue() + "); the end of "
                        + dataDir.resolve("server.log") + ":\n" + logTail(40));
            }
            try {
                boolean seeded = !command.contains("--demo") || Files.exists(dataDir.resolve("demo-credentials.json"));
                if (seeded
                        && http.send(
                                                HttpRequest.newBuilder(base().resolve("/health/ready"))
                                                        .timeout(Duration.ofSeconds(2))
                                                        .build(),
                                                HttpResponse.BodyHandlers.discarding())
                                        .statusCode()
                                == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IOException("the server was not ready within " + timeout + "; the end of "
                + dataDir.resolve("server.log") + ":\n" + logTail(40));
    }

    /** The last lines the server wrote: a failed start explains itself even when the data directory is temporary. */
    private String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(dataDir.resolve("server.log"), StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Starts it again after a kill, its clock carrying on from {@code clockStart}. */
    void restart(String clockStart, Duration timeout) throws IOException, InterruptedException {
        command.set(clockStartIndex, clockStart);
        start(timeout);
    }

    /** SIGKILL: no shutdown hook runs, the embedded PostgreSQL is orphaned, as after a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    int starts() {
        return starts;
    }

    /** The port of the embedded PostgreSQL the server owns (postmaster.pid line 4). */
    /**
     * A connection to the server's embedded PostgreSQL as its superuser, with the password the server keeps in its
     * data directory (every connection to the embedded database needs one).
     */
    java.sql.Connection embeddedOwnerConnection() throws IOException, java.sql.SQLException {
        java.util.Properties passwords = new java.util.Properties();
        try (var in = Files.newBufferedReader(dataDir.resolve("embedded-pg.passwords"))) {
            passwords.load(in);
        }
        return java.sql.DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + embeddedPostgresPort() + "/postgres",
                "postgres",
                passwords.getProperty("postgres"));
    }

    int embeddedPostgresPort() throws IOException {
        return Integer.parseInt(Files.readAllLines(dataDir.resolve("pg").resolve("postmaster.pid"))
                .get(3)
                .trim());
    }
}
