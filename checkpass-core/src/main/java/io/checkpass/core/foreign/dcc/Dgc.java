package io.checkpass.core.foreign.dcc;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.pass.DisplayHint;
import io.checkpass.core.registry.TestRecord;
import io.checkpass.core.verify.ForeignEvidence;
import io.checkpass.core.verify.PassWarning;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The payload of an EU Digital COVID Certificate (hcert claim −260, key 1), read leniently for what it proves.
 *
 * <p>Strict on trust, lenient on payload: once the signature holds, the issuer said what the payload says, and real
 * issuers sign payloads that bend the DCC JSON schema (empty value-set codes, dates as a year or {@code 1963-00}, a
 * date-time in {@code dob}, dose number 0, several entries). Every deviation from the schema becomes a
 * {@link PassWarning} naming the field, and the payload is read for what it holds. Only a payload that is not a map
 * at all cannot be read ({@link #parse} throws). A payload that cannot prove a status (no entry, a test without a
 * known result, a vaccination without a product, dose or date) has {@link #statusProven()} false and proves
 * nothing, so the venue rules refuse it with its own reason.
 *
 * <p>What it proves ({@link #evidence()}) is a dose, a test or a recovery; the door decides the status from it under
 * the medical rules its bundle carries (docs/foreign-passes.md §3): the DCC's own series count, 14 days, 48 hours or
 * {@code du} play no part. Dates without a time are read as UTC midnight, which is the day written. A date given only
 * in part (a year, a year-month, a day or month of {@code 00}) is read so that a status holds no longer than any
 * reading of it allows: a start at the end of the period named, an end at its beginning.
 */
public final class Dgc {
    /** SNOMED CT "not detected". */
    public static final String TEST_NOT_DETECTED = "260415000";
    /** SNOMED CT "detected". */
    public static final String TEST_DETECTED = "260373001";

    private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+");
    /** The schema's dob pattern (DCC schema 1.3: year, year-month or date, years 1900–2099). */
    private static final Pattern SCHEMA_DOB = Pattern.compile("((19|20)\\d\\d(-\\d\\d){0,2})?");
    /** The schema's full-date pattern for dt, fr, df, du. */
    private static final Pattern SCHEMA_DATE = Pattern.compile("(19|20)\\d\\d-\\d\\d-\\d\\d");
    /** Any leading date, possibly partial: year, then optional month and day, then anything (a time). */
    private static final Pattern LENIENT_DATE = Pattern.compile("(\\d{4})(?:-(\\d{2})(?:-(\\d{2}))?)?(.*)");

    private static final DateTimeFormatter OFFSET_DATE_TIME_LENIENT = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .optionalStart()
            .appendOffset("+HHmm", "Z")
            .optionalEnd()
            .optionalStart()
            .appendOffset("+HH", "Z")
            .optionalEnd()
            .toFormatter(Locale.ROOT);

    private static final int MAX_TEXT = 256;
    private static final int MAX_WARNINGS = 32;

    private final JsonNode payload;
    private final DccType type;
    private final Set<DccType> types;
    private final JsonNode entry;
    private final String entryPath;
    private final String name;
    private final Optional<Integer> birthYear;
    private final List<PassWarning> warnings;
    private final boolean fitsSchema;
    private final List<String> unproven;

    private Dgc(
            JsonNode payload,
            DccType type,
            Set<DccType> types,
            JsonNode entry,
            String entryPath,
            String name,
            Optional<Integer> birthYear,
            List<PassWarning> warnings,
            boolean fitsSchema,
            List<String> unproven) {
        this.payload = payload;
        this.type = type;
        this.types = Set.copyOf(types);
        this.entry = entry;
        this.entryPath = entryPath;
        this.name = name;
        this.birthYear = birthYear;
        this.warnings = List.copyOf(warnings);
        this.fitsSchema = fitsSchema;
        this.unproven = List.copyOf(unproven);
    }

    /**
     * Reads a DCC payload, leniently: deviations from the schema become {@link #warnings()}.
     *
     * @throws IllegalArgumentException if the payload is not a map, so nothing in it can be read
     */
    public static Dgc parse(JsonNode dgc) {
        if (dgc == null || !dgc.isObject()) {
            throw new IllegalArgumentException("DCC payload is not a map");
        }
        Reading r = new Reading();
        Optional<String> version = r.text(dgc, "ver", "ver");
        if (version.isPresent() && !VERSION.matcher(version.get()).matches()) {
            r.warn("ver", "'" + version.get() + "' is not a semantic version");
        }

        String name = "";
        JsonNode nam = dgc.get("nam");
        if (nam == null || !nam.isObject()) {
            r.warn("nam", "missing or not a map; no name to show");
        } else {
            Optional<String> fnt = r.text(nam, "fnt", "nam.fnt");
            Optional<String> fn = r.optionalText(nam, "fn", "nam.fn");
            Optional<String> gn = r.optionalText(nam, "gn", "nam.gn");
            Optional<String> gnt = r.optionalText(nam, "gnt", "nam.gnt");
            name = fn.isPresent() || gn.isPresent()
                    ? join(gn.orElse(null), fn.orElse(null))
                    : join(gnt.orElse(null), fnt.orElse(null)).replace('<', ' ');
        }

        Optional<Integer> birthYear = Optional.empty();
        JsonNode dobNode = dgc.get("dob");
        if (dobNode == null) {
            r.warn("dob", "missing");
        } else {
            String dob = dobNode.asText("");
            if (!dobNode.isTextual()) {
                r.warn("dob", "not a string");
            } else if (!SCHEMA_DOB.matcher(dob).matches()) {
                r.warn("dob", "'" + clip(dob) + "' does not fit the schema's date pattern; read its year");
            }
            Matcher m = LENIENT_DATE.matcher(dob);
            if (m.matches()) {
                birthYear = Optional.of(Integer.parseInt(m.group(1)));
            }
        }

        // Every entry of every type; the schema allows exactly one, in one of v, t, r.
        List<Candidate> candidates = new ArrayList<>();
        EnumSet<DccType> present = EnumSet.noneOf(DccType.class);
        for (DccType candidate : List.of(DccType.VACCINATION, DccType.TEST, DccType.RECOVERY)) {
            JsonNode entries = dgc.get(candidate.field());
            if (entries == null || entries.isNull()) {
                continue;
            }
            present.add(candidate);
            if (!entries.isArray()) {
                r.warn(candidate.field(), "not a list");
                continue;
            }
            if (entries.size() != 1) {
                r.warn(
                        candidate.field(),
                        "holds " + entries.size() + " entries where the schema allows one; read the most recent");
            }
            for (int i = 0; i < entries.size(); i++) {
                JsonNode e = entries.get(i);
                String path = candidate.field() + "[" + i + "]";
                if (e == null || !e.isObject()) {
                    r.warn(path, "not a map");
                } else {
                    candidates.add(new Candidate(candidate, e, path));
                }
            }
        }
        if (present.size() > 1) {
            r.warn("v/t/r", "holds entries of " + present.size() + " kinds where the schema allows one");
        }
        if (candidates.isEmpty()) {
            r.unproven("holds no v, t or r entry");
            return new Dgc(dgc, null, present, null, "", name.strip(), birthYear, r.warnings, r.fitsSchema, r.unproven);
        }
        // The first kind in v, t, r order; within it, the most recent entry (latest date, then highest dose).
        DccType chosenType = candidates.getFirst().type();
        Candidate chosen = candidates.stream()
                .filter(c -> c.type() == chosenType)
                .max(Comparator.comparing((Candidate c) -> c.sortDate().orElse(Instant.MIN))
                        .thenComparingInt(c -> c.entry().path("dn").asInt(0)))
                .orElseThrow();
        checkEntry(chosen, r);
        return new Dgc(
                dgc,
                chosen.type(),
                present,
                chosen.entry(),
                chosen.path(),
                name.strip(),
                birthYear,
                r.warnings,
                r.fitsSchema,
                r.unproven);
    }

    /** One entry, with the date that orders it among entries of its kind. */
    private record Candidate(DccType type, JsonNode entry, String path) {
        Optional<Instant> sortDate() {
            String field = switch (type) {
                case VACCINATION -> "dt";
                case TEST -> "sc";
                case RECOVERY -> "df";
            };
            return lenientInstant(entry.get(field), true);
        }
    }

    /** Warnings and unproven notes collected while reading. */
    private static final class Reading {
        final List<PassWarning> warnings = new ArrayList<>();
        final List<String> unproven = new ArrayList<>();
        boolean fitsSchema = true;

        /** A deviation from the DCC JSON schema. */
        void warn(String field, String message) {
            fitsSchema = false;
            note(field, message);
        }

        /**
         * Worth saying but within the schema: the schema types value-set fields as plain strings, so an empty or
         * unknown code fits it, and {@code ci} and {@code is} have no minimum length.
         */
        void note(String field, String message) {
            if (warnings.size() < MAX_WARNINGS) {
                warnings.add(new PassWarning(field, message));
            }
        }

        void unproven(String why) {
            unproven.add(why);
        }

        /** A required text field; a warning when it is missing, not text, empty or too long. */
        Optional<String> text(JsonNode node, String field, String path) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                warn(path, "missing");
                return Optional.empty();
            }
            return checked(value, path, false);
        }

        Optional<String> optionalText(JsonNode node, String field, String path) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return Optional.empty();
            }
            return checked(value, path, true);
        }

        private Optional<String> checked(JsonNode value, String path, boolean mayBeEmpty) {
            if (!value.isValueNode()) {
                warn(path, "not a string");
                return Optional.empty();
            }
            if (!value.isTextual()) {
                warn(path, "not a string; read as '" + clip(value.asText()) + "'");
            }
            String text = value.asText();
            if (text.length() > MAX_TEXT) {
                warn(path, "longer than " + MAX_TEXT + " characters; not read");
                return Optional.empty();
            }
            if (text.isEmpty()) {
                if (!mayBeEmpty) {
                    note(path, "empty");
                }
                return Optional.empty();
            }
            return Optional.of(text);
        }
    }

    private static void checkEntry(Candidate c, Reading r) {
        JsonNode entry = c.entry();
        String p = c.path() + ".";
        r.text(entry, "tg", p + "tg");
        r.text(entry, "co", p + "co");
        r.text(entry, "is", p + "is");
        r.text(entry, "ci", p + "ci");
        switch (c.type()) {
            case VACCINATION -> {
                r.text(entry, "vp", p + "vp");
                r.text(entry, "ma", p + "ma");
                if (r.text(entry, "mp", p + "mp").isEmpty()) {
                    r.unproven("the vaccination names no product (mp)");
                }
                Optional<Integer> dn = dose(entry, "dn", p, r);
                Optional<Integer> sd = dose(entry, "sd", p, r);
                if (dn.isEmpty() || sd.isEmpty()) {
                    r.unproven("the vaccination has no usable dose number (dn/sd)");
                }
                if (date(entry, "dt", p, true, r).isEmpty()) {
                    r.unproven("the vaccination has no date (dt)");
                }
            }
            case TEST -> {
                r.text(entry, "tt", p + "tt");
                Optional<String> tr = r.text(entry, "tr", p + "tr");
                if (tr.isEmpty()) {
                    r.unproven("the test has no result (tr)");
                } else if (!tr.get().equals(TEST_NOT_DETECTED) && !tr.get().equals(TEST_DETECTED)) {
                    r.note(p + "tr", "'" + clip(tr.get()) + "' is not in the test-result value set");
                    r.unproven("the test result '" + clip(tr.get()) + "' is unknown");
                }
                JsonNode sc = entry.get("sc");
                Optional<Instant> sample = lenientInstant(sc, true);
                if (sample.isEmpty()) {
                    r.warn(p + "sc", sc == null ? "missing" : "not a date-time");
                    r.unproven("the test has no sample time (sc)");
                } else if (sc.isTextual() && !isOffsetDateTime(sc.asText())) {
                    r.warn(p + "sc", "'" + clip(sc.asText()) + "' is not a date-time with offset; read as UTC");
                }
            }
            case RECOVERY -> {
                date(entry, "fr", p, true, r);
                if (date(entry, "df", p, true, r).isEmpty()) {
                    r.unproven("the recovery has no start (df)");
                }
                if (date(entry, "du", p, false, r).isEmpty()) {
                    r.unproven("the recovery has no end (du)");
                }
            }
        }
    }

    /**
     * The kind of certificate read, empty when the payload holds no entry (which proves nothing).
     */
    public Optional<DccType> type() {
        return Optional.ofNullable(type);
    }

    /**
     * Every kind of entry the payload holds: the signer's key usage must allow each (normally exactly one).
     */
    public Set<DccType> types() {
        return types;
    }

    /** The entry read, when there is one. */
    public Optional<JsonNode> entry() {
        return Optional.ofNullable(entry);
    }

    /** The holder's name as printed ("given family"), or the transliterated name; may be empty. */
    public String name() {
        return name;
    }

    /** The year of birth, when {@code dob} starts with one. */
    public Optional<Integer> birthYear() {
        return birthYear;
    }

    /**
     * What was read past, each with its field: every deviation from the DCC schema, and codes that fit it but say
     * nothing usable (empty or unknown). Empty when the payload is clean.
     */
    public List<PassWarning> warnings() {
        return warnings;
    }

    /**
     * Whether the payload fits the DCC JSON schema as checked here. Some warnings are within the schema (an empty or
     * unknown value-set code), so a payload may fit and still have warnings.
     */
    public boolean fitsSchema() {
        return fitsSchema;
    }

    /** False when the certificate cannot prove a status: it then proves nothing ({@link #evidence()} is empty). */
    public boolean statusProven() {
        return unproven.isEmpty();
    }

    /** Why the status is not proven; empty when it is. */
    public List<String> unprovenBecause() {
        return unproven;
    }

    /** The certificate identifier (UVCI), which is the pass id, when the entry has one. */
    public Optional<String> certificateId() {
        return entry == null ? Optional.empty() : textOf(entry.get("ci"));
    }

    /**
     * Every certificate identifier and country in the payload, of every entry read or not: a revocation list that
     * names any of them revokes the certificate.
     */
    List<String> allOf(String field) {
        List<String> values = new ArrayList<>();
        for (DccType kind : types) {
            JsonNode entries = payload.get(kind.field());
            if (entries != null && entries.isArray()) {
                for (JsonNode e : entries) {
                    textOf(e.get(field)).filter(v -> !values.contains(v)).ifPresent(values::add);
                }
            }
        }
        return values;
    }

    /** The country of vaccination, test or recovery, when the entry names one. */
    public Optional<String> country() {
        return entry == null ? Optional.empty() : textOf(entry.get("co"));
    }

    /** SNOMED CT / LOINC test type: a nucleic acid amplification test (PCR). */
    public static final String TEST_TYPE_NAAT = "LP6464-4";
    /** LOINC test type: a rapid antigen test. */
    public static final String TEST_TYPE_RAT = "LP217198-3";

    /**
     * What the certificate proves, for the door's status engine: the dose (product code, date, dose number), the test
     * (kind, result, sample time) or the recovery (valid-from day), and the year of birth. Dates are the days the
     * certificate writes; a partial date is read at the end of the period it names. Empty lists, and {@link
     * #unprovenBecause()} as the reason, when the entry cannot prove its status.
     */
    public ForeignEvidence evidence() {
        List<String> why = new ArrayList<>(unproven);
        List<ForeignEvidence.Dose> doses = new ArrayList<>();
        List<ForeignEvidence.Test> tests = new ArrayList<>();
        List<ForeignEvidence.Recovery> recoveries = new ArrayList<>();
        if (statusProven()) {
            switch (type) {
                case VACCINATION ->
                    doses.add(new ForeignEvidence.Dose(
                            day(lenientInstant(entry.get("dt"), true).orElseThrow()),
                            ForeignEvidence.CodeSystem.DCC,
                            textOf(entry.get("mp")).orElseThrow(),
                            OptionalInt.of(dn())));
                case TEST -> {
                    String tt = textOf(entry.get("tt")).orElse("");
                    TestRecord.Kind kind = switch (tt) {
                        case TEST_TYPE_NAAT -> TestRecord.Kind.PCR;
                        case TEST_TYPE_RAT -> TestRecord.Kind.RAPID_ANTIGEN;
                        default -> null;
                    };
                    if (kind == null) {
                        why.add("the test type '" + clip(tt) + "' is neither NAAT (PCR) nor a rapid antigen test");
                    } else {
                        tests.add(new ForeignEvidence.Test(
                                lenientInstant(entry.get("sc"), true).orElseThrow(),
                                kind,
                                !TEST_NOT_DETECTED.equals(entry.get("tr").asText())));
                    }
                }
                case RECOVERY ->
                    recoveries.add(new ForeignEvidence.Recovery(
                            day(lenientInstant(entry.get("df"), true).orElseThrow())));
            }
        }
        return new ForeignEvidence(birthYear, doses, tests, recoveries, why);
    }

    private static LocalDate day(Instant utcMidnightOrInstant) {
        return LocalDate.ofInstant(utcMidnightOrInstant, ZoneOffset.UTC);
    }

    /** The masked name and birth year for staff, when the certificate has both. */
    public Optional<DisplayHint> display() {
        if (name.isBlank() || birthYear.isEmpty() || birthYear.get() < 1900 || birthYear.get() > 2100) {
            return Optional.empty();
        }
        return Optional.of(DisplayHint.of(name, birthYear.get()));
    }

    private int dn() {
        return doseValue(entry.get("dn")).orElseThrow();
    }

    private static Optional<Integer> dose(JsonNode entry, String field, String p, Reading r) {
        JsonNode value = entry.get(field);
        if (value == null || value.isNull()) {
            r.warn(p + field, "missing");
            return Optional.empty();
        }
        Optional<Integer> dose = doseValue(value);
        if (dose.isEmpty()) {
            r.warn(p + field, "'" + clip(value.asText()) + "' is not a positive dose number");
        } else if (!value.isIntegralNumber()) {
            r.warn(p + field, "not an integer; read as " + dose.get());
        } else if (dose.get() > 9) {
            r.warn(p + field, dose.get() + " is above the schema's 9");
        }
        return dose;
    }

    /** A dose number of at least 1 from an integer, an integral float or a digit string; empty otherwise. */
    private static Optional<Integer> doseValue(JsonNode value) {
        if (value == null) {
            return Optional.empty();
        }
        long n;
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            n = value.asLong();
        } else if (value.isNumber() && value.asDouble() == Math.rint(value.asDouble())) {
            n = (long) value.asDouble();
        } else if (value.isTextual() && value.asText().matches("\\d{1,4}")) {
            n = Long.parseLong(value.asText());
        } else {
            return Optional.empty();
        }
        return n >= 1 && n <= 99 ? Optional.of((int) n) : Optional.empty();
    }

    /** Checks a date field and returns it read leniently; a warning for anything but a schema date. */
    private static Optional<Instant> date(JsonNode entry, String field, String p, boolean start, Reading r) {
        JsonNode value = entry.get(field);
        if (value == null || value.isNull()) {
            r.warn(p + field, "missing");
            return Optional.empty();
        }
        Optional<Instant> read = lenientInstant(value, start);
        if (read.isEmpty()) {
            r.warn(p + field, "'" + clip(value.asText()) + "' is not a date");
        } else if (!value.isTextual() || !SCHEMA_DATE.matcher(value.asText()).matches()) {
            r.warn(
                    p + field,
                    "'" + clip(value.asText()) + "' is not a date of the schema's form; read as " + read.get());
        } else if (!isCalendarDate(value.asText())) {
            r.warn(p + field, "'" + value.asText() + "' is not a calendar date; read as " + read.get());
        }
        return read;
    }

    /**
     * A date or date-time, read leniently: an offset date-time; a local date-time (UTC); a full date; or a partial
     * date (year, year-month, or a {@code 00} month or day), read at the end of the period it names when it starts
     * something ({@code start}) and at its beginning when it ends something; epoch seconds. Empty if unreadable.
     */
    static Optional<Instant> lenientInstant(JsonNode value, boolean start) {
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (value.isNumber()) {
            // Tag 1 (epoch seconds) is how some issuers encoded date-times in CBOR.
            double seconds = value.asDouble();
            return seconds >= 0 && seconds < 253402300800d
                    ? Optional.of(Instant.ofEpochSecond((long) seconds))
                    : Optional.empty();
        }
        if (!value.isTextual()) {
            return Optional.empty();
        }
        String text = value.asText().strip();
        if (text.length() > 64) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException e) {
            // Not an offset date-time; try the partial forms.
        }
        try {
            // An offset without a colon (+0200) or of hours alone (+02), as some issuers wrote it.
            return Optional.of(
                    OffsetDateTime.parse(text, OFFSET_DATE_TIME_LENIENT).toInstant());
        } catch (DateTimeParseException e) {
            // Not that either.
        }
        try {
            return Optional.of(LocalDateTime.parse(text).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            // Not a local date-time either.
        }
        Matcher m = LENIENT_DATE.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        String rest = m.group(4);
        if (!rest.isEmpty() && !rest.startsWith("T") && !rest.startsWith(" ")) {
            return Optional.empty();
        }
        int year = Integer.parseInt(m.group(1));
        int month = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        int day = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        if (month > 12 || day > 31) {
            return Optional.empty();
        }
        LocalDate date;
        if (month == 0) {
            date = start ? LocalDate.of(year, 12, 31) : LocalDate.of(year, 1, 1);
        } else if (day == 0) {
            YearMonth ym = YearMonth.of(year, month);
            date = start ? ym.atEndOfMonth() : ym.atDay(1);
        } else {
            YearMonth ym = YearMonth.of(year, month);
            // 31 April and the like: the last day of the month, so a start is never earlier than meant.
            date = ym.atDay(Math.min(day, ym.lengthOfMonth()));
        }
        return Optional.of(date.atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    private static boolean isOffsetDateTime(String text) {
        try {
            OffsetDateTime.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean isCalendarDate(String text) {
        try {
            LocalDate.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static Optional<String> textOf(JsonNode value) {
        if (value == null || !value.isValueNode() || value.isNull()) {
            return Optional.empty();
        }
        String text = value.asText();
        return text.isEmpty() || text.length() > MAX_TEXT ? Optional.empty() : Optional.of(text);
    }

    private static String clip(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }

    private static String join(String first, String last) {
        return ((first == null ? "" : first) + " " + (last == null ? "" : last)).strip();
    }

    @Override
    public String toString() {
        return "Dgc[" + (type == null ? "no entry" : entryPath) + ", " + warnings.size() + " warnings"
                + (statusProven() ? "" : ", status not proven") + "]";
    }
}
