package io.checkpass.bench.load.rush;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.bench.load.KeepAliveHttp;
import io.checkpass.server.visits.Uuid7;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Overload, measured (docs/principles.md §8): the check-in route's capacity is measured closed-loop, then it is
 * offered three times that, open-loop — arrivals do not wait for answers, as scanners coming back from an outage
 * would not. Admitted requests must keep p99 under 100 ms, the excess must get 503 + Retry-After within 5 ms, no
 * other answer may appear, and after the scanners back off everything must be stored once.
 */
@Command(
        name = "overload",
        mixinStandardHelpOptions = true,
        description = "Drive check-in ingest at a multiple of its capacity.")
public final class Overload implements Callable<Integer> {
    private static final String ENDPOINT = "POST /api/v1/checkins";

    @Option(
            names = "--factor",
            defaultValue = "3",
            description = "Offered load as a multiple of measured capacity (default ${DEFAULT-VALUE}).")
    double factor;

    @Option(names = "--seconds", defaultValue = "20", description = "Seconds of overload (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--batch", defaultValue = "100", description = "Check-ins per upload (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--ingest-limit",
            defaultValue = "4",
            description = "The server's limits.ingest for the run (default ${DEFAULT-VALUE}, the server's default).")
    int ingestLimit;

    @Option(names = "--report", description = "Write the JSON summary here.")
    Path report;

    private final ObjectMapper json = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("checkpass-overload");
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ServerProcess server = new ServerProcess(
                        dir,
                        port,
                        0,
                        Instant.now(Clock.systemUTC()).toString(),
                        List.of("--demo", "--demo-persons", "100"))
                .environment("CHECKPASS_LIMITS_INGEST", Integer.toString(ingestLimit))
                .environment("CHECKPASS_LIMITS_RETRY_AFTER_SECONDS", "1");
        server.start(Duration.ofSeconds(120));
        try {
            JsonNode clients =
                    json.readTree(dir.resolve("demo-credentials.json").toFile()).path("clients");
            String auth = "Basic "
                    + Base64.getEncoder()
                            .encodeToString(("scanner-venue-01:"
                                            + clients.path("scanner-venue-01")
                                                    .path("secret")
                                                    .asText())
                                    .getBytes(StandardCharsets.UTF_8));
            URI base = server.base();
            Clock clock = Clock.systemUTC();
            ConcurrentLinkedQueue<KeepAliveHttp> connections = new ConcurrentLinkedQueue<>();
            AtomicLong sent = new AtomicLong();

            // 1. Capacity: as many scanners as the route admits at once, uploading back to back.
            ConcurrentHistogram warm = new ConcurrentHistogram(3_600_000_000L, 3);
            long[] capacityCount = new long[1];
            runClosedLoop(base, auth, clock, connections, sent, warm, ingestLimit, Duration.ofSeconds(8));
            ConcurrentHistogram closed = new ConcurrentHistogram(3_600_000_000L, 3);
            long t0 = System.nanoTime();
            capacityCount[0] =
                    runClosedLoop(base, auth, clock, connections, sent, closed, ingestLimit, Duration.ofSeconds(10));
            double capacity = capacityCount[0] / ((System.nanoTime() - t0) / 1e9);
            double offered = capacity * factor;
            System.out.printf(
                    Locale.ROOT,
                    "capacity: %.0f uploads/s of %d check-ins (closed loop, %d scanners, p99 %.1f ms); offering %.0f/s (x%.1f) for %d s%n",
                    capacity,
                    batch,
                    ingestLimit,
                    closed.getValueAtPercentile(99) / 1000.0,
                    offered,
                    factor,
                    seconds);
            // Bodies are made before the clock starts, so the arrival process is not slowed by JSON building.
            List<byte[]> bodies = new ArrayList<>();
            for (int i = 0; i < (int) (offered * seconds) + 10; i++) {
                bodies.add(body(clock, sent));
            }

            // 2. Open loop at factor x capacity; shed uploads are queued for a retry after Retry-After with jitter.
            ConcurrentHistogram admitted = new ConcurrentHistogram(3_600_000_000L, 3);
            ConcurrentHistogram shed = new ConcurrentHistogram(3_600_000_000L, 3);
            AtomicLong others = new AtomicLong();
            ConcurrentLinkedQueue<byte[]> retry = new ConcurrentLinkedQueue<>();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                long start = System.nanoTime();
                int arrived = 0;
                while (System.nanoTime() - start < seconds * 1_000_000_000L) {
                    int due = (int) Math.min(bodies.size(), (System.nanoTime() - start) / 1e9 * offered);
                    for (; arrived < due; arrived++) {
                        byte[] body = bodies.get(arrived);
                        pool.submit(() -> {
                            KeepAliveHttp http = borrow(connections, base);
                            long started = System.nanoTime();
                            KeepAliveHttp.Response r = http.tryPost("/api/v1/checkins", auth, body);
                            long micros = (System.nanoTime() - started) / 1000;
                            connections.add(http);
                            if (r.status() == 202) {
                                admitted.recordValue(Math.max(1, micros));
                            } else if (r.status() == 503 && r.retryAfterSeconds() > 0) {
                                shed.recordValue(Math.max(1, micros));
                                retry.add(body);
                            } else {
                                others.incrementAndGet();
                                retry.add(body);
                            }
                        });
                    }
                    Thread.sleep(1);
                }
                sent.addAndGet(-(long) (bodies.size() - arrived) * batch);
            }
            long shedCount = shed.getTotalCount();
            // Read now: the server's percentiles cover a decaying window of about two minutes, and the drain below
            // can take longer than that (read after it, they were all zero).
            double[] serverShed = serverSideShedQuantiles(base, clients);
            // 3. The scanners back off and deliver everything.
            List<byte[]> pending = new ArrayList<>(retry);
            KeepAliveHttp http = borrow(connections, base);
            for (byte[] body : pending) {
                while (true) {
                    KeepAliveHttp.Response r = http.tryPost("/api/v1/checkins", auth, body);
                    if (r.status() == 202) {
                        break;
                    }
                    Thread.sleep(Scanner.jitter(Math.max(1, r.retryAfterSeconds()) * 100L));
                }
            }
            long stored;
            long distinct;
            try (Connection c = server.embeddedOwnerConnection();
                    Statement s = c.createStatement();
                    ResultSet r = s.executeQuery(
                            "select count(*), count(distinct checkin_id) from visits.checkin where reason = 'OVERLOAD'")) {
                r.next();
                stored = r.getLong(1);
                distinct = r.getLong(2);
            }
            ObjectNode out = json.createObjectNode();
            out.put("capacity_uploads_per_second", capacity);
            out.put("check_ins_per_upload", batch);
            out.put("offered_uploads_per_second", offered);
            out.put("factor", factor);
            out.put("ingest_limit", ingestLimit);
            out.put("capacity_p99_ms", closed.getValueAtPercentile(99) / 1000.0);
            out.put("admitted", admitted.getTotalCount());
            out.put("admitted_p50_ms", admitted.getValueAtPercentile(50) / 1000.0);
            out.put("admitted_p99_ms", admitted.getValueAtPercentile(99) / 1000.0);
            out.put("shed_503", shedCount);
            out.put("shed_p50_ms", shed.getValueAtPercentile(50) / 1000.0);
            out.put("shed_p99_ms", shed.getValueAtPercentile(99) / 1000.0);
            out.put("shed_server_side_p50_ms", serverShed[0]);
            out.put("shed_server_side_p99_ms", serverShed[1]);
            out.put("other_answers", others.get());
            out.put("check_ins_sent", sent.get());
            out.put("check_ins_stored", stored);
            out.put("lost", sent.get() - distinct);
            out.put("duplicated", stored - distinct);
            String text = json.writerWithDefaultPrettyPrinter().writeValueAsString(out);
            System.out.println(text);
            if (report != null) {
                Files.writeString(report, text + "\n");
            }
            boolean ok = admitted.getValueAtPercentile(99) < 100_000
                    && serverShed[1] > 0
                    && serverShed[1] < 5
                    && others.get() == 0
                    && sent.get() == distinct
                    && stored == distinct
                    && shedCount > 0;
            System.out.println(
                    ok
                            ? "OK: admitted p99 < 100 ms, 503 p99 < 5 ms in the server, no other answers, everything delivered once"
                            : "NOT OK: see the figures above");
            return ok ? 0 : 1;
        } finally {
            server.stop();
        }
    }

    /**
     * The server's own measure of its 503s (request in to response out, from its Prometheus timer), which leaves out
     * the time a request waits for the load generator's CPU on this shared two-core machine.
     */
    private double[] serverSideShedQuantiles(URI base, JsonNode clients) {
        String monitor = "Basic "
                + Base64.getEncoder()
                        .encodeToString(("monitor-demo:"
                                        + clients.path("monitor-demo")
                                                .path("secret")
                                                .asText())
                                .getBytes(StandardCharsets.UTF_8));
        try (KeepAliveHttp http = new KeepAliveHttp(base, 10_000)) {
            String metrics = http.tryGet("/metrics", monitor).text();
            double[] out = {Double.NaN, Double.NaN};
            for (String line : metrics.split("\n")) {
                if (line.startsWith("checkpass_http_requests_seconds{")
                        && line.contains("route=\"/api/v1/checkins\"")
                        && line.contains("status=\"503\"")) {
                    double seconds = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    if (line.contains("quantile=\"0.5\"")) {
                        out[0] = seconds * 1000;
                    } else if (line.contains("quantile=\"0.99\"")) {
                        out[1] = seconds * 1000;
                    }
                }
            }
            return out;
        }
    }

    private long runClosedLoop(
            URI base,
            String auth,
            Clock clock,
            ConcurrentLinkedQueue<KeepAliveHttp> connections,
            AtomicLong sent,
            ConcurrentHistogram latencies,
            int workers,
            Duration duration)
            throws InterruptedException {
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < workers; w++) {
                pool.submit(() -> {
                    KeepAliveHttp http = borrow(connections, base);
                    while (System.nanoTime() < end) {
                        byte[] body = body(clock, sent);
                        while (true) {
                            long started = System.nanoTime();
                            KeepAliveHttp.Response r = http.tryPost("/api/v1/checkins", auth, body);
                            if (r.status() == 202) {
                                latencies.recordValue(Math.max(1, (System.nanoTime() - started) / 1000));
                                done.incrementAndGet();
                                break;
                            }
                            Thread.sleep(50);
                        }
                    }
                    connections.add(http);
                    return null;
                });
            }
        }
        return done.get();
    }

    private static KeepAliveHttp borrow(ConcurrentLinkedQueue<KeepAliveHttp> connections, URI base) {
        KeepAliveHttp http = connections.poll();
        return http != null ? http : new KeepAliveHttp(base, 30_000);
    }

    private byte[] body(Clock clock, AtomicLong sent) {
        StringBuilder b = new StringBuilder(batch * 170).append("{\"checkins\":[");
        Instant at = clock.instant().minusSeconds(5);
        for (int i = 0; i < batch; i++) {
            b.append(i == 0 ? "" : ",")
                    .append("{\"id\":\"")
                    .append(Uuid7.next(clock))
                    .append("\",\"channel\":\"QR\",\"serial\":\"")
                    .append("%024x".formatted(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE))
                    .append("\",\"verdict\":\"ADMIT\",\"reason\":\"OVERLOAD\",\"scannedAt\":\"")
                    .append(at)
                    .append("\"}");
        }
        sent.addAndGet(batch);
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }
}
