package io.checkpass.server.visits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.server.support.ApiContract;
import io.checkpass.server.support.ServeProcess;
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
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server is killed with SIGKILL in the middle of ingest and restarted on the same data directory: every
 * batch that got 202 is there, and after the clients retry nothing is missing or doubled. The server runs as a
 * real separate process with its embedded PostgreSQL, as in production.
 */
class IngestCrashTest {
    static final int UPLOADERS = 3;
    static final int BATCHES = 40;
    static final int PER_BATCH = 200;

    @TempDir
    Path data;

    @Test
    void every_acknowledged_batch_survives_a_sigkill_and_retries_store_nothing_twice() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process server = startServer(port);
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
        AtomicInteger acknowledgedBeforeKill = new AtomicInteger(-1);

        List<Future<?>> uploaders = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(UPLOADERS)) {
            for (int u = 0; u < UPLOADERS; u++) {
                List<String> batches = batches(u);
                int uploader = u;
                uploaders.add(pool.submit(() -> {
                    for (int b = 0; b < batches.size(); b++) {
                        while (true) {
                            try {
                                var response = http.send(
                                        HttpRequest.newBuilder(uri)
                                                .timeout(Duration.ofSeconds(10))
                                                .header("Authorization", auth)
                                                .header("Content-Type", "application/json")
                                                .POST(HttpRequest.BodyPublishers.ofString(batches.get(b)))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString());
                                ApiContract.centre().check(response);
                                if (response.statusCode() == 202) {
                                    acknowledged.add(uploader + "/" + b);
                                    break;
                                }
                            } catch (IOException e) {
                                // the server is down: back off and retry the same batch
                            }
                            Thread.sleep(200);
                        }
                    }
                    return null;
                }));
            }
            while (acknowledged.size() < 30) {
                Thread.sleep(20);
            }
            server.destroyForcibly(); // SIGKILL
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            acknowledgedBeforeKill.set(acknowledged.size());
            Thread.sleep(1000);
            server = startServer(port);
            for (Future<?> f : uploaders) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            assertThat(acknowledgedBeforeKill.get())
                    .as("batches acknowledged before the kill")
                    .isBetween(30, UPLOADERS * BATCHES - 1);
        }
        try (Connection c = ServeProcess.ownerConnection(data);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(
                        "select count(*), count(distinct checkin_id) from visits.checkin where venue_id = 'venue-01' and reason = 'CRASH'")) {
            r.next();
            assertThat(r.getLong(1)).isEqualTo((long) UPLOADERS * BATCHES * PER_BATCH);
            assertThat(r.getLong(2)).isEqualTo((long) UPLOADERS * BATCHES * PER_BATCH);
        } finally {
            server.destroy();
            server.waitFor(60, TimeUnit.SECONDS);
        }
    }

    private List<String> batches(int uploader) {
        Clock clock = Clock.systemUTC();
        List<String> batches = new ArrayList<>();
        for (int b = 0; b < BATCHES; b++) {
            List<String> records = new ArrayList<>();
            for (int i = 0; i < PER_BATCH; i++) {
                Instant at = clock.instant().minusSeconds(60);
                records.add(
                        "{\"id\":\"%s\",\"channel\":\"QR\",\"serial\":\"%024x\",\"verdict\":\"ADMIT\",\"reason\":\"CRASH\",\"scannedAt\":\"%s\"}"
                                .formatted(Uuid7.next(clock), ((long) uploader << 32) + (long) b * PER_BATCH + i, at));
            }
            batches.add("{\"checkins\":[" + String.join(",", records) + "]}");
        }
        return batches;
    }

    private Process startServer(int port) throws IOException, InterruptedException {
        return ServeProcess.start(data, port);
    }
}
