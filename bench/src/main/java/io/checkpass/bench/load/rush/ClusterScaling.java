package io.checkpass.bench.load.rush;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.bench.load.KeepAliveHttp;
import io.checkpass.core.crypto.EcPoints;
import io.checkpass.core.crypto.Es256;
import io.checkpass.server.visits.Uuid7;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.HdrHistogram.ConcurrentHistogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Per-node figures and scaling from 1 to 2 to 3 centre nodes on the cluster of {@code scripts/cluster}: fresh
 * issuance and check-in ingest, closed loop through HAProxy, first with every node up, then with node 3 killed,
 * then node 2 as well; one cluster, one run, so the ratios are measured in the same session. On one machine every
 * node shares the same cores with PostgreSQL, HAProxy and this driver: the ratios say what the centre's design
 * lets a node add, bounded by this machine, not what a node on its own machine adds.
 */
@Command(
        name = "cluster-scaling",
        mixinStandardHelpOptions = true,
        description = "Issuance and ingest through HAProxy with 3, 2 and 1 centre nodes (scripts/cluster).")
public final class ClusterScaling implements Callable<Integer> {
    @Option(
            names = "--seconds",
            defaultValue = "20",
            description = "Measured seconds per step (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--warmup",
            defaultValue = "10",
            description = "Warm-up seconds per step (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--concurrency",
            defaultValue = "64",
            description = "Concurrent clients (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--persons", defaultValue = "5000", description = "Registry size (default ${DEFAULT-VALUE}).")
    int persons;

    private final Es256 es256 = Es256.select();

    @Override
    public Integer call() throws Exception {
        // PostgreSQL runs as postgres under root and must reach its data directory inside this one.
        Path dir = Files.createTempDirectory(
                "checkpass-cluster-scaling",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        int nodes = 3;
        ClusterProcess centre = new ClusterProcess(
                        ClusterProcess.repositoryRoot(), dir.resolve("cluster"), 21000, nodes)
                .environment(Map.of(
                        "CHECKPASS_ISSUANCE_CLIENT_RATE_PER_SECOND", "1000000",
                        "CHECKPASS_ISSUANCE_PERSON_DEVICES_PER_DAY", "100",
                        "CHECKPASS_LIMITS_ISSUANCE", "256",
                        "CHECKPASS_LIMITS_PER_CLIENT", "1024"));
        centre.start(persons, null);
        try {
            JsonNode clients = new ObjectMapper()
                    .readTree(centre.firstNodeData()
                            .resolve("demo-credentials.json")
                            .toFile())
                    .path("clients");
            String wallet = basic(clients, "wallet-demo");
            List<String> scanners = new ArrayList<>();
            for (int v = 1; v <= 10; v++) {
                scanners.add(basic(clients, "scanner-venue-%02d".formatted(v)));
            }
            List<String> devices = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                devices.add(Base64.getUrlEncoder().withoutPadding().encodeToString(EcPoints.uncompressed((ECPublicKey)
                        es256.generateKeyPair().getPublic())));
            }
            AtomicLong round = new AtomicLong();
            for (int up = nodes; up >= 1; up--) {
                if (up < nodes) {
                    centre.killNode(up + 1);
                    Thread.sleep(3000); // HAProxy marks it down (2 failed checks, 1 s apart)
                }
                long r = round.incrementAndGet();
                double issued = measure(
                        centre,
                        "/api/v1/passes",
                        201,
                        i -> wallet,
                        i -> ("{\"personId\":\"D%06d\"," + "\"devicePublicKey\":\"%s\"}")
                                .formatted(
                                        i % persons + 1, devices.get((int) ((i / persons + r * 50) % devices.size()))));
                double batches = measure(centre, "/api/v1/checkins", 202, i -> scanners.get((int) (i % 10)), i -> {
                    StringBuilder body = new StringBuilder("{\"checkins\":[");
                    for (int k = 0; k < 100; k++) {
                        body.append(k == 0 ? "" : ",")
                                .append("{\"id\":\"")
                                .append(Uuid7.next(Clock.systemUTC()))
                                .append("\",\"channel\":\"QR\",\"serial\":\"")
                                .append("%024x".formatted(i * 100 + k + r * 1_000_000_000L))
                                .append("\",\"format\":\"CP1\",\"verdict\":\"ADMIT\",\"reason\":\"VALID\",")
                                .append("\"scannedAt\":\"")
                                .append(Instant.now().minusSeconds(5))
                                .append("\"}");
                    }
                    return body.append("]}").toString();
                });
                System.out.printf(
                        Locale.ROOT,
                        "%d node(s): fresh credentials %.0f/s, check-ins %.0f/s (batches of 100)%n",
                        up,
                        issued,
                        batches * 100);
            }
        } finally {
            centre.stop();
        }
        return 0;
    }

    /** Closed loop of POSTs; returns the answers with {@code ok} per measured second. */
    private double measure(
            ClusterProcess centre, String path, int ok, LongFunction<String> auth, LongFunction<String> body)
            throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicLong sequence = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        ConcurrentHistogram latency = new ConcurrentHistogram(3);
        AtomicLong others = new AtomicLong();
        double elapsed;
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < concurrency; w++) {
                pool.submit(() -> {
                    try (KeepAliveHttp http = new KeepAliveHttp(centre.base(), 30_000)) {
                        while (running.get()) {
                            long i = sequence.getAndIncrement();
                            byte[] bytes = body.apply(i).getBytes(StandardCharsets.UTF_8);
                            long started = System.nanoTime();
                            int status =
                                    http.tryPost(path, auth.apply(i), bytes).status();
                            if (measuring.get()) {
                                if (status == ok || (ok == 201 && status == 200)) {
                                    answered.incrementAndGet();
                                    latency.recordValue((System.nanoTime() - started) / 1000);
                                } else {
                                    others.incrementAndGet();
                                }
                            }
                        }
                    }
                    return null;
                });
            }
            Thread.sleep(Duration.ofSeconds(warmup));
            measuring.set(true);
            long from = System.nanoTime();
            Thread.sleep(Duration.ofSeconds(seconds));
            measuring.set(false);
            elapsed = (System.nanoTime() - from) / 1e9;
            running.set(false);
        }
        System.out.printf(
                Locale.ROOT,
                "  %s: %.0f/s answered %d, p50 %.1f ms, p99 %.1f ms, other answers %d%n",
                path,
                answered.get() / elapsed,
                ok,
                latency.getValueAtPercentile(50) / 1000.0,
                latency.getValueAtPercentile(99) / 1000.0,
                others.get());
        return answered.get() / elapsed;
    }

    private static String basic(JsonNode clients, String id) {
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString(
                                (id + ":" + clients.path(id).path("secret").asText()).getBytes(StandardCharsets.UTF_8));
    }
}
