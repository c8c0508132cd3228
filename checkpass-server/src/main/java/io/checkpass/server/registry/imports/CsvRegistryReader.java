package io.checkpass.server.registry.imports;

import static io.checkpass.server.registry.imports.CsvColumn.BIRTH_DATE;
import static io.checkpass.server.registry.imports.CsvColumn.DOSE;
import static io.checkpass.server.registry.imports.CsvColumn.KIND;
import static io.checkpass.server.registry.imports.CsvColumn.NAME;
import static io.checkpass.server.registry.imports.CsvColumn.PERSON_ID;
import static io.checkpass.server.registry.imports.CsvColumn.PHONE;
import static io.checkpass.server.registry.imports.CsvColumn.REASON;
import static io.checkpass.server.registry.imports.CsvColumn.RELEASED_ON;
import static io.checkpass.server.registry.imports.CsvColumn.RESULT;
import static io.checkpass.server.registry.imports.CsvColumn.RESULT_AT;
import static io.checkpass.server.registry.imports.CsvColumn.TEST;
import static io.checkpass.server.registry.imports.CsvColumn.VACCINATED_ON;
import static io.checkpass.server.registry.imports.CsvColumn.VACCINE;
import static io.checkpass.server.registry.imports.CsvColumn.VALID_FROM;
import static io.checkpass.server.registry.imports.CsvColumn.VALID_UNTIL;

import de.siegmar.fastcsv.reader.CloseableIterator;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.reader.CsvRecordHandler;
import io.checkpass.core.registry.ExemptionRecord;
import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.PhoneNumber;
import io.checkpass.core.registry.RecoveryRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.core.registry.TestRecord;
import io.checkpass.core.registry.VaccineProduct;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the registry CSV format of docs/import.md: UTF-8 (a BOM is skipped), RFC 4180 quoting, a header row naming
 * the columns, then one record per row whose {@code kind} column says which columns it uses.
 *
 * <p>Parsing is FastCSV's, which reads 8 K characters at a time and holds one record: memory stays flat whatever
 * the file size. A row is one item: {@code Parsed}, or {@code Rejected} at {@code line N} (the row's first physical
 * line, the header being line 1) with every problem of the row. Rows whose cells are all empty (a spreadsheet's
 * trailing rows) are not records and yield nothing. Broken quoting ends the read: the parser cannot tell where the
 * next row starts, so one last {@code Rejected} says from which line the rest of the file was not read.
 */
public final class CsvRegistryReader implements RegistryReader {
    /** Longer cells are mistakes (a missing closing quote swallowing rows), not names or reasons. */
    static final int MAX_FIELD_CHARS = 4 * 1024;

    static final int MAX_RECORD_CHARS = 64 * 1024;
    static final int MAX_FIELDS = 256;
    static final int MAX_REASON_CHARS = 500;

    private static final Pattern ONLY_DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern FAILED_LINE = Pattern.compile("started in line (\\d+)");

    /** The record constructors' messages start with the field they refuse; this names its column. */
    private static final Map<String, CsvColumn> RECORD_FIELDS = new LinkedHashMap<>();

    static {
        RECORD_FIELDS.put("person id", PERSON_ID);
        RECORD_FIELDS.put("name", NAME);
        RECORD_FIELDS.put("dose number", DOSE);
        RECORD_FIELDS.put("exemption ends", VALID_UNTIL);
    }

    /** The kinds of row, with the columns each needs and may use. Every other column must be empty. */
    enum Kind {
        PERSON(Set.of(PERSON_ID, NAME, BIRTH_DATE), Set.of(PHONE)),
        IMMUNIZATION(Set.of(PERSON_ID, VACCINE, DOSE, VACCINATED_ON), Set.of()),
        TEST(Set.of(PERSON_ID, CsvColumn.TEST, RESULT, RESULT_AT), Set.of()),
        RECOVERY(Set.of(PERSON_ID, RELEASED_ON), Set.of()),
        EXEMPTION(Set.of(PERSON_ID, VALID_FROM, VALID_UNTIL, REASON), Set.of());

        final Set<CsvColumn> required;
        final Set<CsvColumn> optional;

        Kind(Set<CsvColumn> required, Set<CsvColumn> optional) {
            this.required = required;
            this.optional = optional;
        }

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Kind of(String cell) {
            for (Kind k : values()) {
                if (k.id().equals(cell.toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            return null;
        }
    }

    private final CountingInputStream counted;
    private final CsvReader<CsvRecord> csv;
    private final CloseableIterator<CsvRecord> records;
    private Header header;
    private ImportItem next;
    private boolean finished;

    private CsvRegistryReader(InputStream in) {
        this.counted = new CountingInputStream(in);
        this.csv = CsvReader.builder()
                .detectBomHeader(true)
                .skipEmptyLines(true)
                .allowExtraFields(true)
                .allowMissingFields(true)
                .build(
                        CsvRecordHandler.of(b -> b.maxFields(MAX_FIELDS)
                                .maxFieldSize(MAX_FIELD_CHARS)
                                .maxRecordSize(MAX_RECORD_CHARS)),
                        counted,
                        StandardCharsets.UTF_8);
        this.records = csv.iterator();
    }

    /** Reads registry CSV from {@code in}, which the reader closes. */
    public static CsvRegistryReader open(InputStream in) {
        return new CsvRegistryReader(in);
    }

    @Override
    public long bytesRead() {
        return counted.count();
    }

    @Override
    public boolean hasNext() {
        if (next == null && !finished) {
            next = read();
        }
        return next != null;
    }

    @Override
    public ImportItem next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        ImportItem item = next;
        next = null;
        return item;
    }

    @Override
    public void close() throws IOException {
        csv.close();
    }

    private ImportItem read() {
        long lastLine = 0;
        while (true) {
            CsvRecord record;
            try {
                if (!records.hasNext()) {
                    finished = true;
                    return null;
                }
                record = records.next();
            } catch (CsvParseException e) {
                finished = true;
                return unreadable(e, lastLine);
            }
            lastLine = record.getStartingLineNumber();
            if (record.getFields().stream().allMatch(String::isBlank)) {
                continue;
            }
            if (header == null) {
                header = Header.of(record);
                continue;
            }
            return row(record);
        }
    }

    /** FastCSV cannot resynchronise after broken quoting or an oversized row, so the rest of the file is one item. */
    private static ImportItem unreadable(CsvParseException e, long lastLine) {
        Matcher m = FAILED_LINE.matcher(String.valueOf(e.getMessage()));
        String location = m.find() ? "line " + m.group(1) : "after line " + lastLine;
        String cause = String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
        return new ImportItem.Rejected(
                location,
                "the CSV cannot be read from here (" + cause.strip()
                        + "); look for a quote that is opened and never closed, and import again: the rest of the file was not read");
    }

    private ImportItem row(CsvRecord record) {
        String location = "line " + record.getStartingLineNumber();
        if (header.problem != null) {
            return new ImportItem.Rejected(
                    location, "not read: the header on line " + header.line + " is unusable: " + header.problem);
        }
        Problems problems = new Problems();
        Row row = new Row(record.getFields(), problems);
        if (record.getFieldCount() != header.width) {
            problems.add("the row has " + record.getFieldCount() + " fields but the header has " + header.width
                    + "; quote any field that contains a comma");
        } else if (row.fields.stream().anyMatch(f -> f.indexOf('\uFFFD') >= 0)) {
            problems.add("the row is not valid UTF-8; save the file as \"CSV UTF-8\"");
        } else {
            RegistryRecord parsed = parse(row, problems);
            if (parsed != null) {
                return new ImportItem.Parsed(parsed, location);
            }
        }
        return new ImportItem.Rejected(location, problems.joined() + spanHint(record));
    }

    /** A rejected row that spans many lines usually swallowed its neighbours through an unbalanced quote. */
    private static String spanHint(CsvRecord record) {
        long breaks = record.getFields().stream()
                .mapToLong(f -> f.chars().filter(c -> c == '\n').count())
                .sum();
        if (breaks == 0) {
            return "";
        }
        long first = record.getStartingLineNumber();
        return " (the row spans lines " + first + "–" + (first + breaks) + ": check its quotes)";
    }

    private RegistryRecord parse(Row row, Problems problems) {
        String kindCell = row.get(KIND);
        Kind kind = Kind.of(kindCell);
        if (kind == null) {
            problems.add(KIND.label() + ": " + (kindCell.isEmpty() ? "is empty" : "'" + kindCell + "' is not a kind")
                    + "; use person, immunization, test, recovery or exemption");
            return null;
        }
        for (CsvColumn c : CsvColumn.values()) {
            boolean used = c == KIND || kind.required.contains(c) || kind.optional.contains(c);
            if (kind.required.contains(c) && !header.columns.containsKey(c)) {
                problems.add(c.label() + " is not in the header; kind '" + kind.id() + "' needs it");
            } else if (kind.required.contains(c) && row.get(c).isEmpty()) {
                problems.add(c.label() + " is empty; kind '" + kind.id() + "' needs it");
            } else if (!used && !row.get(c).isEmpty()) {
                problems.add(c.label() + " is filled, but kind '" + kind.id()
                        + "' does not use it; clear it or correct the kind");
            }
        }
        if (!problems.isEmpty()) {
            return null;
        }
        try {
            return build(kind, row, problems);
        } catch (IllegalArgumentException e) {
            problems.add(columnOf(e.getMessage()));
            return null;
        }
    }

    /** Parses every cell the kind uses, then builds the record if all parsed; the record checks the rest. */
    private static RegistryRecord build(Kind kind, Row row, Problems problems) {
        String personId = row.get(PERSON_ID);
        return switch (kind) {
            case PERSON -> {
                LocalDate birthDate = row.date(BIRTH_DATE);
                Optional<String> phone = row.phone();
                yield problems.isEmpty() ? new PersonRecord(personId, row.get(NAME), birthDate, phone) : null;
            }
            case IMMUNIZATION -> {
                VaccineProduct product = row.vaccine();
                Integer dose = row.dose();
                LocalDate date = row.date(VACCINATED_ON);
                yield problems.isEmpty() ? new ImmunizationRecord(personId, date, product, dose) : null;
            }
            case TEST -> {
                TestRecord.Kind test = row.testKind();
                Boolean positive = row.positive();
                Instant resultAt = row.instant(RESULT_AT);
                yield problems.isEmpty() ? new TestRecord(personId, resultAt, test, positive) : null;
            }
            case RECOVERY -> {
                LocalDate releasedOn = row.date(RELEASED_ON);
                yield problems.isEmpty() ? new RecoveryRecord(personId, releasedOn) : null;
            }
            case EXEMPTION -> {
                LocalDate from = row.date(VALID_FROM);
                LocalDate until = row.date(VALID_UNTIL);
                String reason = row.reason();
                yield problems.isEmpty() ? new ExemptionRecord(personId, from, until, reason) : null;
            }
        };
    }

    private static String columnOf(String recordProblem) {
        for (Map.Entry<String, CsvColumn> e : RECORD_FIELDS.entrySet()) {
            if (recordProblem.startsWith(e.getKey())) {
                return e.getValue().label() + ": " + recordProblem;
            }
        }
        return recordProblem;
    }

    /** The header row: which column is at which index, or why the file cannot be read. */
    private record Header(long line, int width, Map<CsvColumn, Integer> columns, String problem) {
        static Header of(CsvRecord record) {
            Map<CsvColumn, Integer> columns = new EnumMap<>(CsvColumn.class);
            Problems problems = new Problems();
            List<String> cells = record.getFields();
            for (int i = 0; i < cells.size(); i++) {
                CsvColumn c = CsvColumn.ofHeader(cells.get(i));
                if (c == null) {
                    problems.add("unknown column '" + cells.get(i).strip() + "'");
                } else if (columns.putIfAbsent(c, i) != null) {
                    problems.add(c.label() + " appears twice");
                }
            }
            for (CsvColumn needed : EnumSet.of(KIND, PERSON_ID)) {
                if (!columns.containsKey(needed)) {
                    problems.add(needed.label() + " is missing");
                }
            }
            String problem = null;
            if (!problems.isEmpty()) {
                problem = problems.joined() + "; the columns are "
                        + Arrays.stream(CsvColumn.values())
                                .map(CsvColumn::header)
                                .collect(Collectors.joining(", "));
            }
            return new Header(record.getStartingLineNumber(), cells.size(), columns, problem);
        }
    }

    /** One data row's cells, trimmed, read by column. */
    private final class Row {
        final List<String> fields;
        final Problems problems;

        Row(List<String> fields, Problems problems) {
            this.fields = fields;
            this.problems = problems;
        }

        /** The trimmed cell, or "" when the header lacks the column. */
        String get(CsvColumn c) {
            Integer i = header.columns.get(c);
            return i == null ? "" : fields.get(i).strip();
        }

        LocalDate date(CsvColumn c) {
            return FieldValues.date(c.label(), get(c), problems);
        }

        Instant instant(CsvColumn c) {
            return FieldValues.instant(c.label(), get(c), problems);
        }

        Optional<String> phone() {
            String phone = get(PHONE);
            if (phone.isEmpty()) {
                return Optional.empty();
            }
            // Stored as written, but only if the tracer can read it: a number no call could match is a typo.
            if (PhoneNumber.parse(phone) instanceof PhoneNumber.Refused refused) {
                problems.add(PHONE.label() + ": " + refused.reason() + "; e.g. 010-1234-5678, or leave it empty");
            }
            return Optional.of(phone);
        }

        /** A product name (pfizer) or its CVX code (208). */
        VaccineProduct vaccine() {
            String cell = get(VACCINE);
            if (ONLY_DIGITS.matcher(cell).matches()) {
                VaccineProduct byCode = VaccineProduct.ofCvx(cell);
                if (byCode == null) {
                    problems.add(VACCINE.label() + ": CVX code " + cell + " is not a COVID-19 vaccine checkpass knows;"
                            + " use pfizer, moderna, astrazeneca, janssen or novavax");
                }
                return byCode;
            }
            try {
                return VaccineProduct.parse(cell);
            } catch (IllegalArgumentException e) {
                problems.add(VACCINE.label() + ": " + e.getMessage() + " (or a CVX code)");
                return null;
            }
        }

        Integer dose() {
            String cell = get(DOSE);
            if (!ONLY_DIGITS.matcher(cell).matches() || cell.length() > 3) {
                problems.add(DOSE.label() + ": '" + cell
                        + "' is not a dose number; write 1 for a first dose, 3 for a booster after two");
                return null;
            }
            return Integer.valueOf(cell);
        }

        TestRecord.Kind testKind() {
            try {
                return TestRecord.Kind.parse(get(TEST));
            } catch (IllegalArgumentException e) {
                problems.add(TEST.label() + ": " + e.getMessage());
                return null;
            }
        }

        Boolean positive() {
            String cell = get(RESULT).toLowerCase(Locale.ROOT);
            return switch (cell) {
                case "positive" -> true;
                case "negative" -> false;
                default -> {
                    problems.add(RESULT.label() + ": '" + get(RESULT) + "' must be positive or negative");
                    yield null;
                }
            };
        }

        String reason() {
            String reason = get(REASON);
            if (reason.length() > MAX_REASON_CHARS) {
                problems.add(
                        REASON.label() + " is " + reason.length() + " characters long; keep it to " + MAX_REASON_CHARS);
            }
            return reason;
        }
    }
}
