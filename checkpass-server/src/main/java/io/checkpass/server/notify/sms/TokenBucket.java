package io.checkpass.server.notify.sms;

import java.util.concurrent.locks.LockSupport;

/**
 * At most {@code perSecond} permits a second, spread evenly (no burst beyond one permit). Real time, not the
 * injected clock: it paces a network link, which runs in real time whatever the centre's clock says.
 */
final class TokenBucket {
    private final long intervalNanos;
    private long next = System.nanoTime();

    TokenBucket(int perSecond) {
        this.intervalNanos = 1_000_000_000L / perSecond;
    }

    /** Waits for a permit. */
    void acquire() {
        long at;
        synchronized (this) {
            long now = System.nanoTime();
            at = Math.max(next, now);
            next = at + intervalNanos;
        }
        long wait;
        while ((wait = at - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }
}
