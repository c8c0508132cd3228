package io.checkpass.server.tracing;

import io.checkpass.core.pass.Serial;
import io.checkpass.core.registry.PersonId;
import io.checkpass.core.registry.PhoneNumber;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What a tracer asks for: whose visits, in which window, under which case and why. Every field is checked here,
 * so a request that exists is one the {@link Tracer} may run.
 *
 * @param tracerId     the authenticated client that asks; it becomes the actor of every audit entry
 * @param caseId       the investigation's own reference (1..64 characters, no control characters)
 * @param reason       why this trace is needed (1..500 characters); it is audited with every resolution
 * @param subject      the case: a person, a pass serial or a phone number
 * @param from         start of the window, inclusive
 * @param to           end of the window, exclusive; at most {@link #MAX_WINDOW} after {@code from}
 * @param dwellMinutes how long a check-in counts as presence; empty for the tracer's default
 */
public record TraceRequest(
        String tracerId,
        String caseId,
        String reason,
        Subject subject,
        Instant from,
        Instant to,
        OptionalInt dwellMinutes) {
    public static final int MAX_CASE_ID = 64;
    public static final int MAX_REASON = 500;
    public static final int MIN_DWELL_MINUTES = 1;
    public static final int MAX_DWELL_MINUTES = 720;
    /** The visit log keeps 28 days (docs/principles.md §6); a longer window could only find nothing more. */
    public static final Duration MAX_WINDOW = Duration.ofDays(28);

    /** Whose visits a trace starts from. */
    public sealed interface Subject {
        /** A registry person: every serial the ledger issued to them, and calls from their registry phone. */
        record Person(PersonId personId) implements Subject {
            public Person {
                Objects.requireNonNull(personId, "personId");
            }
        }

        /** One pass serial, as a scanner logged it. */
        record Pass(Serial serial) implements Subject {
            public Pass {
                Objects.requireNonNull(serial, "serial");
            }
        }

        /** A phone number: calls and manual entries from it, and registry persons with that number. */
        record Phone(PhoneNumber number) implements Subject {
            public Phone {
                Objects.requireNonNull(number, "number");
            }
        }
    }

    public TraceRequest {
        Objects.requireNonNull(tracerId, "tracerId");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(dwellMinutes, "dwellMinutes");
        caseId = text("caseId", caseId, MAX_CASE_ID);
        reason = text("reason", reason, MAX_REASON);
        if (from == null || to == null || !from.isBefore(to)) {
            throw new IllegalArgumentException("the window needs from < to");
        }
        if (Duration.between(from, to).compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException("the window is at most 28 days (the visit log keeps no more), got "
                    + Duration.between(from, to).toDays() + " days");
        }
        if (dwellMinutes.isPresent()) {
            checkDwell(dwellMinutes.getAsInt());
        }
    }

    /** @throws IllegalArgumentException unless 1..720 minutes */
    static int checkDwell(int minutes) {
        if (minutes < MIN_DWELL_MINUTES || minutes > MAX_DWELL_MINUTES) {
            throw new IllegalArgumentException(
                    "dwellMinutes must be " + MIN_DWELL_MINUTES + ".." + MAX_DWELL_MINUTES + ", got " + minutes);
        }
        return minutes;
    }

    private static String text(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(
                    field + " is required: it goes into the audit log with every resolution");
        }
        String trimmed = value.strip();
        if (trimmed.length() > max) {
            throw new IllegalArgumentException(field + " is at most " + max + " characters, got " + trimmed.length());
        }
        if (trimmed.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(field + " must not contain control characters (line breaks, tabs)");
        }
        return trimmed;
    }
}
