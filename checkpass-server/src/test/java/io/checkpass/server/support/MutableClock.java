package io.checkpass.server.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move by hand; {@link #ticking} also runs on in real time, for tests that drive browsers. */
public final class MutableClock extends Clock {
    private volatile Instant now;
    private final long startedNanos;
    private final boolean ticks;

    public MutableClock(Instant start) {
        this(start, false);
    }

    private MutableClock(Instant start, boolean ticks) {
        this.now = start;
        this.ticks = ticks;
        this.startedNanos = System.nanoTime();
    }

    /** A clock at {@code start} now that advances with real time from here on (and can still be moved). */
    public static MutableClock ticking(Instant start) {
        return new MutableClock(start, true);
    }

    public void set(Instant instant) {
        now = ticks ? instant.minusNanos(System.nanoTime() - startedNanos) : instant;
    }

    public void advance(Duration duration) {
        now = now.plus(duration);
    }

    @Override
    public Instant instant() {
        return ticks ? now.plusNanos(System.nanoTime() - startedNanos) : now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
