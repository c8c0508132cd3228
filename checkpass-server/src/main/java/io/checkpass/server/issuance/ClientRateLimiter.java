package io.checkpass.server.issuance;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;

/**
 * A token bucket per client: {@code ratePerSecond} sustained, bursts up to one second's worth. Per node: with N
 * nodes behind a balancer a client gets up to N× the rate, which is the point of adding nodes.
 */
public final class ClientRateLimiter {
    private final double ratePerSecond;
    private final Clock clock;
    private final Cache<String, Bucket> buckets =
            Caffeine.newBuilder().maximumSize(100_000).executor(Runnable::run).build();

    private static final class Bucket {
        double tokens;
        long updatedNanos;
    }

    public ClientRateLimiter(int ratePerSecond, Clock clock) {
        this.ratePerSecond = ratePerSecond;
        this.clock = clock;
    }

    /** Takes a token; false when the client is over its rate. */
    public boolean tryAcquire(String clientId) {
        long nowNanos = clock.millis() * 1_000_000L;
        Bucket bucket = buckets.get(clientId, id -> {
            Bucket b = new Bucket();
            b.tokens = ratePerSecond;
            b.updatedNanos = nowNanos;
            return b;
        });
        synchronized (bucket) {
            double elapsed = Math.max(0, nowNanos - bucket.updatedNanos) / 1e9;
            bucket.tokens = Math.min(ratePerSecond, bucket.tokens + elapsed * ratePerSecond);
            bucket.updatedNanos = nowNanos;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return true;
            }
            return false;
        }
    }

    /** Seconds until the client has a token again, rounded up (for Retry-After). */
    public int secondsUntilNextToken() {
        return (int) Math.max(1, Math.ceil(1 / ratePerSecond));
    }
}
