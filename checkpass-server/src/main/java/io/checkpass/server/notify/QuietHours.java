package io.checkpass.server.notify;

import io.checkpass.core.time.KoreaTime;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * The hours in which no reminder is sent, in Korean time ({@link KoreaTime#KST}): from {@code start} to {@code end},
 * across midnight when start is after end (21:00–08:00). Equal times mean no quiet hours.
 */
public record QuietHours(LocalTime start, LocalTime end) {
    public QuietHours {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
    }

    public boolean contains(Instant at) {
        LocalTime t = at.atZone(KoreaTime.KST).toLocalTime();
        if (start.equals(end)) {
            return false;
        }
        return start.isBefore(end) ? !t.isBefore(start) && t.isBefore(end) : !t.isBefore(start) || t.isBefore(end);
    }

    /** The first instant at or after {@code at} outside quiet hours. */
    public Instant nextAllowed(Instant at) {
        if (!contains(at)) {
            return at;
        }
        ZonedDateTime local = at.atZone(KoreaTime.KST);
        ZonedDateTime end = local.with(this.end).withNano(0);
        if (end.isBefore(local)) {
            end = end.plusDays(1);
        }
        return end.toInstant();
    }
}
