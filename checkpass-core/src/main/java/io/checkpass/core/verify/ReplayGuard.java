package io.checkpass.core.verify;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.checkpass.core.pass.Serial;
import java.time.Clock;
import java.time.Duration;

/**
 * Remembers which presentations this verifier has admitted, so the same QR shown twice is flagged.
 *
 * <p>The key is (serial, presentation time), not the presentation bytes: ECDSA signatures are malleable
 * ({@code s} ↦ {@code n − s} also verifies), so a copied QR could be altered into "new" bytes with the same
 * proof. An entry need only live as long as its presentation is fresh — after that the freshness check refuses
 * it anyway — so memory is bounded by scan rate × freshness window, and by {@code capacity} on top. When more
 * than {@code capacity} fresh presentations arrive within one window, the least recently seen are forgotten
 * early; with the default 100k that takes over 1,600 scans/s at one scanner.
 */
final class ReplayGuard {
    private record Seen(Serial serial, long timestamp) {}

    private final Cache<Seen, Boolean> seen;

    ReplayGuard(int capacity, Duration retention, Clock clock) {
        this.seen = Caffeine.newBuilder()
                .maximumSize(capacity)
                .expireAfterWrite(retention)
                .ticker(() -> clock.millis() * 1_000_000L)
                .executor(Runnable::run)
                .build();
    }

    /** Records the presentation; true if this is the first time it was seen. */
    boolean firstSighting(Serial serial, long timestamp) {
        return seen.asMap().putIfAbsent(new Seen(serial, timestamp), Boolean.TRUE) == null;
    }
}
