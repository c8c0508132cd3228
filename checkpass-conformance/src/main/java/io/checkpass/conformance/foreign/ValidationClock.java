package io.checkpass.conformance.foreign;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the verification instants that test suites pin, in the many ISO 8601 variants upstream uses:
 * {@code 2021-05-03T18:00:00Z}, {@code …+02:00}, {@code …+0200}, fractions of any length, a space instead of
 * {@code T}, a date alone, and no zone at all (read as UTC).
 */
public final class ValidationClock {
    private static final Pattern ISO = Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2})(?:[T ](\\d{2}:\\d{2})(?::(\\d{2})(?:[.,](\\d{1,9}))?)?)?\\s*(Z|z|[+-]\\d{2}(?::?\\d{2})?)?");

    private ValidationClock() {}

    /**
     * Parses one pinned clock.
     *
     * @throws IllegalArgumentException if it is not an ISO 8601 date or date-time
     */
    public static Instant parse(String text) {
        Matcher m = ISO.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an ISO 8601 date-time");
        }
        try {
            LocalDate date = LocalDate.parse(m.group(1));
            LocalTime time = m.group(2) == null ? LocalTime.MIDNIGHT : LocalTime.parse(m.group(2));
            if (m.group(3) != null) {
                time = time.withSecond(Integer.parseInt(m.group(3)));
            }
            if (m.group(4) != null) {
                time = time.withNano(Integer.parseInt((m.group(4) + "000000000").substring(0, 9)));
            }
            return date.atTime(time).toInstant(offset(m.group(5)));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid date-time: " + e.getMessage(), e);
        }
    }

    private static ZoneOffset offset(String zone) {
        if (zone == null || zone.equalsIgnoreCase("Z")) {
            return ZoneOffset.UTC;
        }
        String digits = zone.replace(":", "");
        int hours = Integer.parseInt(digits.substring(1, 3));
        int minutes = digits.length() > 3 ? Integer.parseInt(digits.substring(3, 5)) : 0;
        int sign = digits.charAt(0) == '-' ? -1 : 1;
        return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
    }
}
