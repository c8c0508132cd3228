package io.checkpass.server.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.server.cli.CheckpassCli;
import io.checkpass.server.support.ServeProcess;
import io.checkpass.server.visits.Uuid7;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL itself dies mid-ingest: the embedded postmaster and every one of its processes get SIGKILL while
 * scanners upload, as in a crash of the database or of the machine under it. After a restart every check-in that was
 * answered 202 is in the visit log. With zonky's defaults (synchronous_commit off) a commit was acknowledged before
 * its WAL reached the disk, and such check-ins were lost; the embedded database is durable now (docs/adr/0016). A CLI
 * command on the same data directory then joins the running server's database, with the passwords on file.
 */
class PostgresKillTest {
    static final int UPLOADERS = 3;
    static final int PER_BATCH = 500;

    @TempDir
    Path data;

    @Test
    void every_check_in_acknowledged_before_postgres_was_killed_is_there_after_the_restart() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process server = ServeProcess.start(data, port);
        String secret = new ObjectMapper()
                .readTree(data.resolve("demo-credentials.json").toFile())
                .path("clients")
                .path("scanner-venue-01")
                .path("secret")
                .asText();
        String auth = "Basic "
                + Base64.getEncoder().encodeToString(("scanner-venue-01:" + secret).getBytes(StandardCharsets.UTF_8));
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/checkins");
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger acknowledgedBatches = new AtomicInteger();
        AtomicInteger refusedAfterKill = new AtomicInteger();
        AtomicBoolean killed = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<?>> uploaders = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(UPLOADERS)) {
            for (int u = 0; u < UPLOADERS; u++) {
                uploaders.add(pool.submit(() -> {
                    while (!stop.get()) {
                        List<String> ids = new ArrayList<>();
                        String body = batch(ids);
                        try {
                            var response = http.send(
                                    HttpRequest.newBuilder(uri)
                                            .timeout(Duration.ofSeconds(15))
                                            .header("Authorization", auth)
                                            .header("Content-Type", "application/json")
                                            .POST(HttpRequest.BodyPublishers.ofString(body))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (response.statusCode() == 202) {
                                acknowledged.addAll(ids);
                                acknowledgedBatches.incrementAndGet();
                            } else if (killed.get()) {
                                refusedAfterKill.incrementAndGet();
                            }
                        } catch (IOException e) {
                            // the server has trouble: the batch was not acknowledged; next one
                        }
                    }
                    return null;
                }));
            }
            while (acknowledgedBatches.get() < 20) {
                Thread.sleep(10);
            }
            // SIGKILL to the postmaster and all its processes at once (backends, WAL writer, checkpointer): nothing of
            // PostgreSQL gets to flush anything on its way out.
            ProcessHandle postmaster =
                    ProcessHandle.of(ServeProcess.postmasterPid(data)).orElseThrow();
            List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
            all.add(postmaster);
            all.forEach(ProcessHandle::destroyForcibly);
            killed.set(true);
            for (ProcessHandle p : all) {
                p.onExit().get(30, TimeUnit.SECONDS);
            }
            while (refusedAfterKill.get() < 3) {
                Thread.sleep(10);
            }
            stop.set(true);
            for (Future<?> f : uploaders) {
                f.get(2, TimeUnit.MINUTES);
            }
        }
        server.destroyForcibly();
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(20 * PER_BATCH);

        server = ServeProcess.start(data, port);
        try (Connection c = ServeProcess.ownerConnection(data);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(
                        "select checkin_id::text from visits.checkin where venue_id = 'venue-01' and reason = 'PGKILL'")) {
            Set<String> stored = new HashSet<>();
            while (r.next()) {
                stored.add(r.getString(1));
            }
            Set<String> lost = new HashSet<>(acknowledged);
            lost.removeAll(stored);
            assertThat(lost)
                    .as("acknowledged check-ins missing after the restart (of %d acknowledged)", acknowledged.size())
                    .isEmpty();
            // A command on the same data directory joins the running server's database with the passwords on file.
            var out = new java.io.ByteArrayOutputStream();
            var err = new java.io.ByteArrayOutputStream();
            int exit = CheckpassCli.run(
                    new String[] {"audit", "verify", "--data", data.toString()},
                    Clock.systemUTC(),
                    new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                    new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        } finally {
            server.destroy();
            server.waitFor(60, TimeUnit.SECONDS);
        }
    }

    private static String batch(List<String> ids) {
        Clock clock = Clock.systemUTC();
        List<String> records = new ArrayList<>();
        Instant at = clock.instant().minusSeconds(60);
        for (int i = 0; i < PER_BATCH; i++) {
            String id = Uuid7.next(clock).toString();
            ids.add(id);
            records.add(
                    "{\"id\":\"%s\",\"channel\":\"QR\",\"serial\":\"%024x\",\"verdict\":\"ADMIT\",\"reason\":\"PGKILL\",\"scannedAt\":\"%s\"}"
                            .formatted(id, Math.abs(id.hashCode()) * 1000L + i, at));
        }
        return "{\"checkins\":[" + String.join(",", records) + "]}";
    }
}
