package io.checkpass.server.inspection;

import de.siegmar.fastcsv.reader.CloseableIterator;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.reader.CsvRecordHandler;
import io.checkpass.core.registry.PhoneNumber;
import io.checkpass.server.inspection.SanctionSchedule.Text;
import io.checkpass.server.registry.imports.CountingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the venue CSV of docs/operations.md ("Importing venues"): UTF-8 (a BOM is skipped), RFC 4180, a header row
 * naming the columns in any order, then one venue per row. Streams with FastCSV: memory stays flat whatever the file
 * size. Each row is one {@link Line}: a venue, or a rejection with the row's line number (the header is line 1) and
 * every problem of the row in Korean and English. Rows whose cells are all empty are not venues. Broken quoting ends
 * the read with one last rejection, since no parser can tell where the next row starts.
 */
public final class VenueCsvReader implements AutoCloseable {
    static final int MAX_FIELD_CHARS = 1024;
    static final int MAX_NAME = 200;
    static final int MAX_ADDRESS = 500;
    private static final Pattern VENUE_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern BUSINESS_NUMBER = Pattern.compile("[0-9]{3}-?[0-9]{2}-?[0-9]{5}");

    /** The columns; all but {@code call_number} are required. */
    public enum Column {
        VENUE_ID,
        BUSINESS_NUMBER,
        NAME,
        ADDRESS,
        REGION,
        DISTRICT_CODE,
        DISTRICT_NAME,
        VENUE_TYPE,
        OPERATOR_NAME,
        OPERATOR_PHONE,
        CALL_NUMBER;

        public String header() {
            return name().toLowerCase(Locale.ROOT);
        }

        boolean required() {
            return this != CALL_NUMBER;
        }
    }

    /** One row of the file. */
    public sealed interface Line {
        long line();
    }

    /** A row that is a venue. */
    public record Parsed(long line, RegisteredVenue venue) implements Line {}

    /** A row refused, with every problem it has. */
    public record Rejected(long line, Text problem) implements Line {}

    private final CountingInputStream counted;
    private final CsvReader<CsvRecord> csv;
    private final CloseableIterator<CsvRecord> records;
    private final Set<String> venueTypes;
    private Map<Column, Integer> header;
    private Text headerProblem;
    private boolean finished;

    /**
     * @param in         the file, which the reader closes
     * @param venueTypes the venue types of the rules in force (a row's {@code venue_type} must be one)
     */
    public VenueCsvReader(InputStream in, Set<String> venueTypes) {
        this.counted = new CountingInputStream(in);
        this.venueTypes = Set.copyOf(venueTypes);
        this.csv = CsvReader.builder()
                .detectBomHeader(true)
                .skipEmptyLines(true)
                .allowExtraFields(true)
                .allowMissingFields(true)
                .build(
                        CsvRecordHandler.of(b ->
                                b.maxFields(64).maxFieldSize(MAX_FIELD_CHARS).maxRecordSize(16 * 1024)),
                        counted,
                        StandardCharsets.UTF_8);
        this.records = csv.iterator();
    }

    /** Bytes of the file read so far, for a progress bar against its size. */
    public long bytesRead() {
        return counted.count();
    }

    /** The next row, or empty at the end of the file. Bad data never throws; a failing stream does. */
    public Optional<Line> next() {
        long lastLine = 1;
        while (!finished) {
            CsvRecord record;
            try {
                if (!records.hasNext()) {
                    finished = true;
                    return Optional.empty();
                }
                record = records.next();
            } catch (CsvParseException e) {
                finished = true;
                return Optional.of(new Rejected(
                        lastLine + 1,
                        new Text(
                                "여기서부터 읽지 못했습니다: 따옴표가 닫히지 않았거나 행이 너무 깁니다. 파일의 나머지는 가져오지 않았습니다",
                                "not read from here on: a quote is not closed or a row is too long; the rest of the file"
                                        + " was not imported")));
            }
            lastLine = record.getStartingLineNumber();
            if (record.getFields().stream().allMatch(String::isBlank)) {
                continue;
            }
            if (header == null && headerProblem == null) {
                readHeader(record);
                continue;
            }
            return Optional.of(row(record));
        }
        return Optional.empty();
    }

    @Override
    public void close() throws IOException {
        csv.close();
    }

    private void readHeader(CsvRecord record) {
        Map<Column, Integer> columns = new EnumMap<>(Column.class);
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < record.getFieldCount(); i++) {
            String cell = record.getField(i).strip().toLowerCase(Locale.ROOT);
            Column column = null;
            for (Column c : Column.values()) {
                if (c.header().equals(cell)) {
                    column = c;
                }
            }
            if (column == null || columns.containsKey(column)) {
                unknown.add(cell);
            } else {
                columns.put(column, i);
            }
        }
        List<String> missing = new ArrayList<>();
        for (Column c : Column.values()) {
            if (c.required() && !columns.containsKey(c)) {
                missing.add(c.header());
            }
        }
        if (unknown.isEmpty() && missing.isEmpty()) {
            header = columns;
        } else {
            String what = (unknown.isEmpty() ? "" : "unknown or repeated " + unknown + " ")
                    + (missing.isEmpty() ? "" : "missing " + missing);
            headerProblem = new Text(
                    "읽지 않음: 1행의 머리글을 쓸 수 없습니다 (" + what + "). 열: " + allColumns(),
                    "not read: the header on line 1 is unusable (" + what + "); the columns are " + allColumns());
        }
    }

    private static String allColumns() {
        List<String> names = new ArrayList<>();
        for (Column c : Column.values()) {
            names.add(c.header());
        }
        return String.join(",", names);
    }

    private Line row(CsvRecord record) {
        long line = record.getStartingLineNumber();
        if (headerProblem != null) {
            return new Rejected(line, headerProblem);
        }
        List<String> ko = new ArrayList<>();
        List<String> en = new ArrayList<>();
        if (record.getFieldCount() > header.size()) {
            boolean extraFilled = false;
            for (int i = 0; i < record.getFieldCount(); i++) {
                if (!header.containsValue(i) && !record.getField(i).isBlank()) {
                    extraFilled = true;
                }
            }
            if (extraFilled) {
                ko.add("머리글보다 칸이 많습니다 (" + record.getFieldCount() + "칸); 쉼표가 든 값은 따옴표로 감싸세요");
                en.add("the row has " + record.getFieldCount() + " fields but the header has " + header.size()
                        + "; quote any field that contains a comma");
            }
        }
        Map<Column, String> cells = new EnumMap<>(Column.class);
        for (Column c : Column.values()) {
            Integer i = header.get(c);
            String value = i == null || i >= record.getFieldCount()
                    ? ""
                    : record.getField(i).strip();
            if (value.isEmpty() && c.required()) {
                ko.add("'" + c.header() + "' 칸이 비어 있습니다");
                en.add("column '" + c.header() + "' is empty");
            }
            cells.put(c, value);
        }
        String venueId = cells.get(Column.VENUE_ID);
        if (!venueId.isEmpty() && !VENUE_ID.matcher(venueId).matches()) {
            ko.add("venue_id '" + venueId + "': 영문 소문자·숫자·'.'·'_'·'-' 1~64자여야 합니다");
            en.add("column 'venue_id': '" + venueId + "' must be 1..64 of a-z, 0-9, '.', '_', '-'");
        }
        String business = cells.get(Column.BUSINESS_NUMBER);
        if (!business.isEmpty() && !BUSINESS_NUMBER.matcher(business).matches()) {
            ko.add("business_number '" + business + "': 사업자등록번호는 숫자 10자리입니다 (예: 123-45-67890)");
            en.add("column 'business_number': '" + business + "' is not a business number; write 10 digits, e.g."
                    + " 123-45-67890");
        }
        checkLength(cells, Column.NAME, MAX_NAME, ko, en);
        checkLength(cells, Column.ADDRESS, MAX_ADDRESS, ko, en);
        checkLength(cells, Column.REGION, District.MAX_NAME, ko, en);
        checkLength(cells, Column.DISTRICT_NAME, District.MAX_NAME, ko, en);
        checkLength(cells, Column.OPERATOR_NAME, District.MAX_NAME, ko, en);
        Optional<District> district = Optional.empty();
        if (!cells.get(Column.DISTRICT_CODE).isEmpty()) {
            try {
                district = Optional.of(new District(
                        cells.get(Column.DISTRICT_CODE),
                        cells.get(Column.DISTRICT_NAME).isEmpty() ? "?" : cells.get(Column.DISTRICT_NAME)));
            } catch (IllegalArgumentException e) {
                ko.add("district_code '" + cells.get(Column.DISTRICT_CODE) + "': 시·군·구 코드는 숫자 5자리입니다 (예: 11110)");
                en.add("column 'district_code': '" + cells.get(Column.DISTRICT_CODE)
                        + "' is not a 5-digit 시·군·구 code, e.g. 11110");
            }
        }
        String type = cells.get(Column.VENUE_TYPE);
        if (!type.isEmpty() && !venueTypes.contains(type)) {
            ko.add("venue_type '" + type + "': 규칙에 없는 시설 유형입니다 ("
                    + String.join(", ", venueTypes.stream().sorted().toList()) + ")");
            en.add("column 'venue_type': '" + type + "' is not a venue type of the rules; use one of "
                    + venueTypes.stream().sorted().toList());
        }
        Optional<String> operatorPhone = phone(cells, Column.OPERATOR_PHONE, ko, en);
        Optional<String> callNumber = phone(cells, Column.CALL_NUMBER, ko, en);
        if (!ko.isEmpty()) {
            return new Rejected(line, new Text(String.join("; ", ko), String.join("; ", en)));
        }
        String digits = business.replace("-", "");
        return new Parsed(
                line,
                new RegisteredVenue(
                        venueId,
                        digits.substring(0, 3) + "-" + digits.substring(3, 5) + "-" + digits.substring(5),
                        cells.get(Column.NAME),
                        cells.get(Column.ADDRESS),
                        cells.get(Column.REGION),
                        district,
                        type,
                        Optional.of(cells.get(Column.OPERATOR_NAME)),
                        operatorPhone,
                        callNumber));
    }

    private static void checkLength(Map<Column, String> cells, Column c, int max, List<String> ko, List<String> en) {
        if (cells.get(c).length() > max) {
            ko.add("'" + c.header() + "'는 " + max + "자까지입니다");
            en.add("column '" + c.header() + "' is longer than " + max + " characters");
        }
    }

    private static Optional<String> phone(Map<Column, String> cells, Column c, List<String> ko, List<String> en) {
        String value = cells.get(c);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        return switch (PhoneNumber.parse(value)) {
            case PhoneNumber.Valid v -> Optional.of(v.phone().digits());
            case PhoneNumber.Refused r -> {
                ko.add("'" + c.header() + "' '" + value + "': 전화번호가 아닙니다 (예: 02-123-4567, 010-1234-5678)");
                en.add("column '" + c.header() + "': " + r.reason());
                yield Optional.empty();
            }
        };
    }
}
