package io.checkpass.bench.load.rush;

import io.checkpass.bench.load.KeepAliveHttp;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.rules.VenueType;
import io.checkpass.core.trust.TrustBundle;
import io.checkpass.core.verify.PassVerifier;
import io.checkpass.core.verify.VerificationResult;
import io.checkpass.core.verify.VerifierPolicy;
import io.checkpass.server.visits.Uuid7;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A venue's scanner as the reference scanner page works: it verifies at the door with the core verifier against
 * its cached bundle (no call to the centre), queues each check-in (IndexedDB on the page, memory here), and
 * uploads the queue in batches every couple of seconds, backing off with jitter on 503 (honouring Retry-After)
 * and on connection failures, resending the same batch until it is answered 202.
 */
final class Scanner {
    private static final String CHECKINS = "POST /api/v1/checkins";
    /**
     * The verdicts that depend on what the centre provides: the bundle (issuer keys) and the holder's credential
     * (refreshed by the wallet). Every other reason is decided at the door alone.
     */
    private static final Set<String> CENTRE_REASONS = Set.of("UNKNOWN_KEY", "CREDENTIAL_EXPIRED", "MALFORMED");

    final String scannerId;
    final String venueId;
    final VenueType venueType;
    private final String authorization;
    private final PassVerifier verifier;
    private final Clock clock;
    private final RushStats stats;
    private final ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final Set<String> sentIds;

    Scanner(
            String scannerId,
            String venueId,
            VenueType venueType,
            String authorization,
            TrustBundle bundle,
            Es256 es256,
            Clock clock,
            RushStats stats,
            Set<String> sentIds) {
        this.scannerId = scannerId;
        this.venueId = venueId;
        this.venueType = venueType;
        this.authorization = authorization;
        this.verifier = new PassVerifier(bundle, es256, clock, VerifierPolicy.DEFAULT, List.of());
        this.clock = clock;
        this.stats = stats;
        this.sentIds = sentIds;
    }

    void install(TrustBundle bundle) {
        verifier.install(bundle);
    }

    /** One visitor at the door: verify offline, queue the check-in. */
    void check(String text, boolean genuineAndFresh) {
        VerificationResult result = verifier.verify(text, venueType);
        String reason = result.reason().name();
        stats.verdict(result.verdict().name(), reason);
        if (genuineAndFresh && CENTRE_REASONS.contains(reason)) {
            // A genuine, fresh pass refused because the scanner's bundle or the holder's credential was not what
            // the centre should have provided.
            stats.doorFailuresDueToCentre.increment();
        }
        Instant now = clock.instant();
        String id = Uuid7.next(clock).toString();
        StringBuilder record =
                new StringBuilder(200).append("{\"id\":\"").append(id).append("\",\"channel\":\"QR\"");
        result.pass()
                .ifPresent(p -> record.append(",\"serial\":\"").append(p.id()).append("\",\"format\":\"CP1\""));
        record.append(",\"verdict\":\"")
                .append(result.verdict())
                .append("\",\"reason\":\"")
                .append(reason)
                .append("\",\"scannedAt\":\"")
                .append(now)
                .append("\"}");
        queue.add(record.toString());
        queued.incrementAndGet();
        sentIds.add(id);
        stats.checkinsSent.increment();
    }

    int queued() {
        return queued.get();
    }

    private final AtomicLong regular = new AtomicLong();

    /** Which of this door's regulars comes next (in rotation). */
    long nextRegular() {
        return regular.getAndIncrement();
    }

    /**
     * Uploads until {@code keepGoing} is false and the queue is empty: every {@code periodMillis} (± 50% jitter) it
     * sends what is queued, at most {@code maxBatch}; a batch is resent until it is answered 202.
     */
    void uploadLoop(URI base, long periodMillis, int maxBatch, BooleanSupplier keepGoing) throws InterruptedException {
        KeepAliveHttp http = new KeepAliveHttp(base, 20_000);
        long backoff = 500;
        List<String> batch = new ArrayList<>();
        while (keepGoing.getAsBoolean() || !queue.isEmpty() || !batch.isEmpty()) {
            if (batch.isEmpty()) {
                Thread.sleep(jitter(periodMillis));
                String record;
                while (batch.size() < maxBatch && (record = queue.poll()) != null) {
                    batch.add(record);
                }
                if (batch.isEmpty()) {
                    continue;
                }
            }
            byte[] body = ("{\"checkins\":[" + String.join(",", batch) + "]}").getBytes(StandardCharsets.UTF_8);
            long started = System.nanoTime();
            KeepAliveHttp.Response response = http.tryPost("/api/v1/checkins", authorization, body);
            stats.exchange(CHECKINS, response.status(), System.nanoTime() - started);
            if (response.status() == 202) {
                if (!response.text().contains("\"rejected\":[]")) {
                    stats.exchange("rejected check-ins (bug)", 500, 0);
                }
                stats.storedPerSecond.addAndGet(stats.second(), batch.size());
                queued.addAndGet(-batch.size());
                batch.clear();
                backoff = 500;
            } else if (response.status() == 503 && response.retryAfterSeconds() > 0) {
                Thread.sleep(jitter(response.retryAfterSeconds() * 1000L));
            } else {
                Thread.sleep(jitter(backoff));
                backoff = Math.min(8_000, backoff * 2);
            }
        }
        http.close();
    }

    /** Full jitter around the delay: uniformly in [delay/2, 3·delay/2). */
    static long jitter(long millis) {
        return millis / 2 + ThreadLocalRandom.current().nextLong(Math.max(1, millis));
    }
}
