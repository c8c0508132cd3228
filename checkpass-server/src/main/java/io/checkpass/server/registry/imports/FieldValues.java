package io.checkpass.server.registry.imports;

import io.checkpass.core.time.IsoInstant;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Parses the dates and instants of every import format, with problems that show the accepted form. {@code what}
 * names the field as the format calls it: {@code column 'dose'}, {@code field 'resultAt'}, {@code Patient.birthDate}.
 */
final class FieldValues {
    private FieldValues() {}

    /** An ISO calendar date, YYYY-MM-DD; null (with a problem) if it is not one. */
    static LocalDate date(String what, String value, Problems problems) {
        try {
            return IsoInstant.date(value);
        } catch (IllegalArgumentException e) {
            problems.add(what + ": " + e.getMessage());
            return null;
        }
    }

    /** An ISO-8601 date-time with a UTC offset; null (with a problem) if it is not one. */
    static Instant instant(String what, String value, Problems problems) {
        try {
            return IsoInstant.parse(value);
        } catch (IllegalArgumentException e) {
            problems.add(what + ": " + e.getMessage());
            return null;
        }
    }
}
