package io.checkpass.bench.load;

import io.checkpass.server.visits.Uuid7;
import io.checkpass.server.visits.Venues;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Check-in ingest over HTTP: {@code concurrency} scanners upload batches of {@code batch} QR check-ins to
 * {@code POST /api/v1/checkins}; a batch counts when it is answered 202 (committed). Bodies are made before the
 * clock starts so the driver spends its CPU on HTTP, not on JSON. Every record is distinct, so all of them are
 * real inserts.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true, description = "Measure check-in ingest over HTTP.")
final class IngestLoad implements Callable<Integer> {
    private static final String ENDPOINT = "POST /api/v1/checkins";

    @Option(names = "--seconds", defaultValue = "20", description = "Measured duration (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "8", description = "Warm-up seconds (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--concurrency",
            defaultValue = "8",
            description = "Concurrent uploading scanners (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--batch", defaultValue = "1000", description = "Check-ins per batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--batches",
            defaultValue = "2400",
            description = "Distinct batches prepared (default ${DEFAULT-VALUE}).")
    int batches;

    @Override
    public Integer call() throws Exception {
        try (InProcessCentre centre =
                new InProcessCentre(Map.of("limits.ingest", Integer.toString(Math.max(concurrency, 32))))) {
            Venues venues = centre.server.centre().venues();
            List<String> auth = new ArrayList<>();
            for (int s = 0; s < concurrency; s++) {
                String venue = "load-venue-" + s;
                venues.add(new Venues.Venue(
                        venue, "000-00-00000", venue, "서울", "서울", "restaurant_cafe", Optional.empty()));
                auth.add(InProcessCentre.basic(
                        "scanner-" + venue, venues.addScanner(venue, "scanner-" + venue, "load")));
            }
            Clock clock = Clock.systemUTC();
            List<String> bodies = new ArrayList<>(batches);
            long serial = 1;
            for (int b = 0; b < batches; b++) {
                StringBuilder body = new StringBuilder(batch * 170).append("{\"checkins\":[");
                Instant at = clock.instant().minusSeconds(30);
                for (int i = 0; i < batch; i++) {
                    body.append(i == 0 ? "" : ",")
                            .append("{\"id\":\"")
                            .append(Uuid7.next(clock))
                            .append("\",\"channel\":\"QR\",\"serial\":\"")
                            .append("%024x".formatted(serial++))
                            .append("\",\"format\":\"CP1\",\"verdict\":\"ADMIT\",\"reason\":\"VALID\",\"scannedAt\":\"")
                            .append(at)
                            .append("\"}");
                }
                bodies.add(body.append("]}").toString());
            }
            URI base = centre.server.baseUri();
            ThreadLocal<KeepAliveHttp> connections = ThreadLocal.withInitial(() -> new KeepAliveHttp(base, 60_000));
            List<byte[]> payloads =
                    bodies.stream().map(b -> b.getBytes(StandardCharsets.UTF_8)).toList();
            Latencies latencies = new Latencies();
            AtomicLong stored = new AtomicLong();
            double elapsed = ClosedLoop.run(concurrency, warmup, seconds, latencies, i -> {
                byte[] body = payloads.get((int) (i % payloads.size()));
                long started = System.nanoTime();
                int status;
                try {
                    var response = connections.get().post("/api/v1/checkins", auth.get((int) (i % auth.size())), body);
                    status = response.status();
                    if (status == 202) {
                        stored.addAndGet(count(response.text()));
                    }
                } catch (IOException e) {
                    status = -1;
                }
                latencies.record(ENDPOINT, status, System.nanoTime() - started);
            });
            var accepted = latencies.histogram(ENDPOINT, 202);
            System.out.printf(
                    "ingest over HTTP: %d scanners, batches of %d, %d s measured after %d s warm-up%n",
                    concurrency, batch, seconds, warmup);
            System.out.printf(
                    "  check-ins committed: %.0f/s (batches answered 202: %.1f/s)  batch latency %s%n",
                    accepted.getTotalCount() * (double) batch / elapsed,
                    accepted.getTotalCount() / elapsed,
                    Latencies.summary(accepted));
            System.out.printf(
                    "  all responses by status: %s; records newly inserted over the whole run: %d%n",
                    latencies.counts(), stored.get());
        }
        return 0;
    }

    private static long count(String body) {
        int at = body.indexOf("\"accepted\":");
        if (at < 0) {
            return 0;
        }
        int end = at + 11;
        while (end < body.length() && Character.isDigit(body.charAt(end))) {
            end++;
        }
        return Long.parseLong(body.substring(at + 11, end));
    }
}
