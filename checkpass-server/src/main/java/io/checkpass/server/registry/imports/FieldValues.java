package io.checkpass.server.registry.imports;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Parses the dates and instants of every import format, with problems that show the accepted form. {@code what}
 * names the field as the format calls it: {@code column 'dose'}, {@code field 'resultAt'}, {@code Patient.birthDate}.
 */
final class FieldValues {
    private FieldValues() {}

    /** An ISO calendar date, YYYY-MM-DD; null (with a problem) if it is not one. */
    static LocalDate date(String what, String value, Problems problems) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            problems.add(what + ": '" + value + "' is not a date; write YYYY-MM-DD, e.g. 2021-12-13");
            return null;
        }
    }

    /** An ISO-8601 date-time with a UTC offset; null (with a problem) if it is not one. */
    static Instant instant(String what, String value, Problems problems) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            problems.add(what + ": '" + value + "' " + (hasNoOffset(value) ? "has no UTC offset" : "is not a date-time")
                    + "; write it with its offset, e.g. 2021-12-13T10:00:00+09:00 for 10:00 KST");
            return null;
        }
    }

    private static boolean hasNoOffset(String value) {
        try {
            LocalDateTime.parse(value);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
