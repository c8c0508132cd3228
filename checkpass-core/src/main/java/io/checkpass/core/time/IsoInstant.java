package io.checkpass.core.time;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Reads the instants that cross our edges — API bodies and query parameters, CSV and FHIR imports, rules
 * documents, the command line — as ISO-8601 date-times with a UTC offset: {@code 2021-12-13T12:00:00+09:00} or
 * {@code 2021-12-13T03:00:00Z}. A date-time without an offset is refused rather than guessed: the same wall time
 * is nine hours apart in Seoul and in UTC.
 */
public final class IsoInstant {
    /** How to write one, for error messages. */
    public static final String EXAMPLE = "2021-12-13T10:00:00+09:00 for 10:00 KST";

    private IsoInstant() {}

    /**
     * @throws IllegalArgumentException whose message names the text and says how to write it, e.g.
     *         "'2021-12-13T10:00:00' has no UTC offset; write it with its offset, e.g. 2021-12-13T10:00:00+09:00 for 10:00 KST"
     */
    public static Instant parse(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException | NullPointerException e) {
            throw new IllegalArgumentException("'" + text + "' " + (hasNoOffset(text) ? "has no UTC offset" : "is not a date-time")
                    + "; write it with its offset, e.g. " + EXAMPLE, e);
        }
    }

    private static boolean hasNoOffset(String text) {
        try {
            LocalDateTime.parse(text);
            return true;
        } catch (DateTimeParseException | NullPointerException e) {
            return false;
        }
    }
}
