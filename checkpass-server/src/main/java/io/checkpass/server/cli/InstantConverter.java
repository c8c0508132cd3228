package io.checkpass.server.cli;

import static io.checkpass.core.time.KoreaTime.KST;

import io.checkpass.core.time.IsoInstant;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads an instant as {@code 2021-12-13T03:00:00Z}, with an offset ({@code 2021-12-13T12:00:00+09:00}), or as a
 * local date or date-time, which are taken in Korea Standard Time ({@code 2021-12-13} is midnight KST).
 */
public final class InstantConverter implements ITypeConverter<Instant> {

    @Override
    public Instant convert(String value) {
        return parse(value);
    }

    public static Instant parse(String value) {
        String v = value.trim();
        List<Function<String, Instant>> forms = List.of(
                IsoInstant::parse,
                s -> LocalDateTime.parse(s).atZone(KST).toInstant(),
                s -> LocalDate.parse(s).atStartOfDay(KST).toInstant());
        for (Function<String, Instant> form : forms) {
            try {
                return form.apply(v);
            } catch (IllegalArgumentException | DateTimeParseException e) {
                // try the next form
            }
        }
        throw new TypeConversionException("'" + value + "' is not an instant; use 2021-12-13T12:00:00+09:00, "
                + "2021-12-13T03:00:00Z or 2021-12-13 (midnight KST)");
    }
}
