package io.checkpass.core.time;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * Reads the instants that cross our edges — API bodies and query parameters, CSV and FHIR imports, rules
 * documents, the command line — as ISO-8601 date-times with a UTC offset: {@code 2021-12-13T12:00:00+09:00} or
 * {@code 2021-12-13T03:00:00Z}. A date-time without an offset is refused rather than guessed: the same wall time
 * is nine hours apart in Seoul and in UTC.
 *
 * <p>Only the years {@value #FIRST_YEAR}..{@value #LAST_YEAR} are read: nothing this system records (a birth, a
 * dose, a test, a scan, a decree) lies outside them, and the extremes an ISO-8601 parser accepts (year
 * -999999999) are beyond what PostgreSQL can store, so they must be refused at the edge, not fail in the database.
 */
public final class IsoInstant {
    private static final String EXAMPLE = "2021-12-13T10:00:00+09:00 for 10:00 KST";
    private static final String MIDNIGHT_EXAMPLE = "2021-12-13T00:00:00+09:00 for midnight KST";

    public static final int FIRST_YEAR = 1900;
    public static final int LAST_YEAR = 2199;

    private IsoInstant() {}

    /**
     * An ISO calendar date, {@code YYYY-MM-DD}, in the years this system reads.
     *
     * @throws IllegalArgumentException whose message names the text and says how to write it
     */
    public static LocalDate date(String text) {
        LocalDate date;
        try {
            date = LocalDate.parse(text);
        } catch (DateTimeParseException | NullPointerException e) {
            throw new IllegalArgumentException("'" + text + "' is not a date; write YYYY-MM-DD, e.g. 2021-12-13", e);
        }
        requireYear(text, date.getYear());
        return date;
    }

    /**
     * @throws IllegalArgumentException whose message names the text and says how to write it, e.g.
     *         "'2021-12-13T10:00:00' has no UTC offset; write it with its offset, e.g. 2021-12-13T10:00:00+09:00 for 10:00 KST"
     */
    public static Instant parse(String text) {
        try {
            OffsetDateTime parsed = OffsetDateTime.parse(text);
            requireYear(text, parsed.getYear());
            return parsed.toInstant();
        } catch (DateTimeParseException | NullPointerException e) {
            String problem = parses(LocalDateTime::parse, text)
                    ? "has no UTC offset; write it with its offset, e.g. " + EXAMPLE
                    : parses(LocalDate::parse, text)
                            ? "is a date without a time; write the instant, e.g. " + MIDNIGHT_EXAMPLE
                            : "is not a date-time; write it with its offset, e.g. " + EXAMPLE;
            throw new IllegalArgumentException("'" + text + "' " + problem, e);
        }
    }

    private static void requireYear(String text, int year) {
        if (year < FIRST_YEAR || year > LAST_YEAR) {
            throw new IllegalArgumentException(
                    "'" + text + "' is outside the years " + FIRST_YEAR + ".." + LAST_YEAR + " this system records");
        }
    }

    private static boolean parses(Function<String, ?> parser, String text) {
        try {
            parser.apply(text);
            return true;
        } catch (DateTimeParseException | NullPointerException e) {
            return false;
        }
    }
}
