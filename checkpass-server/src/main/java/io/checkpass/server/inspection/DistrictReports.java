package io.checkpass.server.inspection;

import static io.checkpass.core.time.KoreaTime.KST;

import de.siegmar.fastcsv.writer.CsvWriter;
import io.checkpass.server.inspection.InspectorScopes.Scope;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What each district did, day by day (days in Korean time): inspections, user and operator violations, fines issued
 * and their sum (voided ones excepted), voids, and voids suggested. Counted by the day of the inspection; a void
 * counts on the day of the violation it voids, so a period's figures do not change meaning when read later.
 */
public final class DistrictReports {
    /** The longest period one report covers. */
    public static final int MAX_DAYS = 366;

    /** The CSV's columns, in order (docs/operations.md, "District reports"). */
    public static final List<String> COLUMNS = List.of(
            "district_code",
            "district_name",
            "day",
            "inspections",
            "user_violations",
            "operator_violations",
            "fines",
            "fines_krw",
            "voided",
            "void_suggested");

    public static final String MEDIA_TYPE = "text/csv; charset=utf-8; header=present";

    /** One district's day. {@code districtCode} is empty for venues registered without a district. */
    public record Row(
            Optional<String> districtCode,
            String districtName,
            LocalDate day,
            long inspections,
            long userViolations,
            long operatorViolations,
            long fines,
            long finesKrw,
            long voided,
            long voidSuggested) {}

    private final DataSource db;

    /** @param db the identity side's pool */
    public DistrictReports(DataSource db) {
        this.db = db;
    }

    /**
     * The rows of [from, to] (days, inclusive) for the scope's district, or for {@code district} (or every district)
     * when the scope covers all.
     *
     * @throws IllegalArgumentException for an empty or too long period
     * @throws io.checkpass.server.refusal.Refused when {@code district} is outside the scope
     */
    public List<Row> report(Scope scope, Optional<String> district, LocalDate from, LocalDate to) {
        if (to.isBefore(from) || from.plusDays(MAX_DAYS).isBefore(to)) {
            throw new IllegalArgumentException("a report covers 1.." + MAX_DAYS + " days, from before to");
        }
        district.ifPresent(d -> scope.require(d, "district " + d));
        Optional<String> only = scope.district().map(District::code).or(() -> district);
        Timestamp start = Timestamp.from(from.atStartOfDay(KST).toInstant());
        Timestamp end = Timestamp.from(to.plusDays(1).atStartOfDay(KST).toInstant());
        String filter = only.isPresent() ? " and district_code = ?" : "";
        String sql = """
                with i as (
                    select district_code, (inspected_at at time zone 'Asia/Seoul')::date as day, count(*) as n
                    from identity.inspection where inspected_at >= ? and inspected_at < ?%1$s
                    group by 1, 2),
                v as (
                    select district_code, (occurred_at at time zone 'Asia/Seoul')::date as day,
                        count(*) filter (where kind = 'user') as users,
                        count(*) filter (where kind = 'operator') as operators,
                        count(*) filter (where voided_at is null) as fines,
                        coalesce(sum(fine_krw) filter (where voided_at is null), 0) as krw,
                        count(*) filter (where voided_at is not null) as voided,
                        count(*) filter (where void_suggested is not null) as suggested
                    from identity.violation where occurred_at >= ? and occurred_at < ?%1$s
                    group by 1, 2)
                select coalesce(i.district_code, v.district_code) as district_code, coalesce(i.day, v.day) as day,
                    coalesce(i.n, 0), coalesce(v.users, 0), coalesce(v.operators, 0), coalesce(v.fines, 0),
                    coalesce(v.krw, 0), coalesce(v.voided, 0), coalesce(v.suggested, 0)
                from i full join v on i.district_code is not distinct from v.district_code and i.day = v.day
                order by 1 nulls last, 2""".formatted(filter);
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            int p = 1;
            for (int part = 0; part < 2; part++) {
                s.setTimestamp(p++, start);
                s.setTimestamp(p++, end);
                if (only.isPresent()) {
                    s.setString(p++, only.get());
                }
            }
            List<Row> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new Row(
                            Optional.ofNullable(r.getString(1)),
                            "",
                            r.getDate(2).toLocalDate(),
                            r.getLong(3),
                            r.getLong(4),
                            r.getLong(5),
                            r.getLong(6),
                            r.getLong(7),
                            r.getLong(8),
                            r.getLong(9)));
                }
            }
            Map<String, String> names = names(c, rows);
            return rows.stream()
                    .map(row -> new Row(
                            row.districtCode(),
                            row.districtCode()
                                    .map(code -> names.getOrDefault(code, ""))
                                    .orElse(""),
                            row.day(),
                            row.inspections(),
                            row.userViolations(),
                            row.operatorViolations(),
                            row.fines(),
                            row.finesKrw(),
                            row.voided(),
                            row.voidSuggested()))
                    .toList();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot make the district report", e);
        }
    }

    /** The rows as CSV (RFC 4180, a header row, UTF-8). */
    public static String csv(List<Row> rows) {
        StringWriter out = new StringWriter();
        try (CsvWriter csv = CsvWriter.builder().build(out)) {
            csv.writeRecord(COLUMNS);
            for (Row r : rows) {
                csv.writeRecord(
                        r.districtCode().orElse(""),
                        // names come from imported files: never a formula in a spreadsheet (as TraceCsv)
                        textCell(r.districtName()),
                        r.day().toString(),
                        Long.toString(r.inspections()),
                        Long.toString(r.userViolations()),
                        Long.toString(r.operatorViolations()),
                        Long.toString(r.fines()),
                        Long.toString(r.finesKrw()),
                        Long.toString(r.voided()),
                        Long.toString(r.voidSuggested()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static String textCell(String text) {
        return !text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0 ? "'" + text : text;
    }

    private static Map<String, String> names(Connection c, List<Row> rows) throws SQLException {
        Map<String, String> names = new HashMap<>();
        String[] codes =
                rows.stream().flatMap(r -> r.districtCode().stream()).distinct().toArray(String[]::new);
        if (codes.length == 0) {
            return names;
        }
        try (PreparedStatement s = c.prepareStatement("select district_code, min(district_name) from visits.venue"
                + " where district_code = any(?) group by district_code")) {
            s.setArray(1, c.createArrayOf("text", codes));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    names.put(r.getString(1), r.getString(2));
                }
            }
        }
        return names;
    }
}
