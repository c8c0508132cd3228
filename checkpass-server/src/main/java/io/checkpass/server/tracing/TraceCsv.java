package io.checkpass.server.tracing;

import de.siegmar.fastcsv.writer.CsvWriter;
import io.checkpass.server.tracing.TraceResult.Contact;
import io.checkpass.server.tracing.TraceResult.Encounter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * A trace as CSV (RFC 4180: comma, CRLF, quoted where needed; UTF-8; a header row): one row per encounter, that
 * is per pair of a case visit and a co-visitor's overlapping check-in. Columns in {@link #COLUMNS}, described in
 * docs/tracing.md.
 *
 * <p>Tracers open these files in spreadsheets, and names come from call-in and manual entries anyone can type:
 * a cell that starts with {@code = + - @}, a tab or a carriage return gets a leading apostrophe, so a spreadsheet
 * shows it as text instead of running it as a formula (OWASP "CSV injection").
 */
public final class TraceCsv {
    public static final List<String> COLUMNS = List.of(
            "case_id",
            "identity",
            "resolution",
            "person_id",
            "name",
            "phone",
            "venue_id",
            "venue_name",
            "case_visit_at",
            "contact_visit_at",
            "channel",
            "verdict",
            "overlap_minutes");
    public static final String MEDIA_TYPE = "text/csv; charset=utf-8; header=present";

    private TraceCsv() {}

    public static String write(TraceResult result) {
        StringWriter out = new StringWriter();
        try (CsvWriter csv = CsvWriter.builder().build(out)) {
            csv.writeRecord(COLUMNS);
            for (Contact contact : result.contacts()) {
                for (Encounter e : contact.encounters()) {
                    csv.writeRecord(
                            cell(result.request().caseId()),
                            cell(contact.identity()),
                            contact.resolution().id(),
                            cell(contact.personId().orElse("")),
                            cell(contact.name().orElse("")),
                            cell(contact.phone().orElse("")),
                            cell(e.venueId()),
                            cell(e.venueName().orElse("")),
                            e.caseVisitAt().toString(),
                            e.contactVisitAt().toString(),
                            e.channel().name(),
                            cell(e.verdict().orElse("")),
                            overlapMinutes(e));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing CSV to memory failed", e);
        }
        return out.toString();
    }

    /** Minutes with two decimals: 59.50 for a co-visit 30 s after the case's under a 60-minute dwell. */
    static String overlapMinutes(Encounter e) {
        return BigDecimal.valueOf(e.overlap().toMillis())
                .divide(BigDecimal.valueOf(60_000), 2, RoundingMode.HALF_UP)
                .toPlainString();
    }

    static String cell(String value) {
        if (value.isEmpty()) {
            return value;
        }
        return switch (value.charAt(0)) {
            case '=', '+', '-', '@', '\t', '\r' -> "'" + value;
            default -> value;
        };
    }
}
