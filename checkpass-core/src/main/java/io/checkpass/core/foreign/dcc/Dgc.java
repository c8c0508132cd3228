package io.checkpass.core.foreign.dcc;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.pass.DisplayHint;
import io.checkpass.core.pass.PassStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The payload of an EU Digital COVID Certificate (hcert claim −260, key 1), checked against the structure of the
 * DCC JSON schema that matters here, and mapped onto our statuses.
 *
 * <p>Status mapping (docs/foreign-passes.md):
 * <ul>
 *   <li>{@code v}: dose {@code dn} of {@code sd} — a complete series ({@code dn = sd}) is VACCINATED from 14 days after
 *       {@code dt}, a booster ({@code dn > sd}) at once; a partial series is UNVACCINATED.
 *   <li>{@code t}: "not detected" (SNOMED 260415000) is TESTED for 48 h from the sample time {@code sc}; any other
 *       result is UNVACCINATED, which venue rules refuse or restrict.
 *   <li>{@code r}: RECOVERED from {@code df} to the end of {@code du}.
 * </ul>
 * Dates without a time are read as UTC midnight.
 *
 * @param type  which of v, t, r the certificate holds
 * @param entry its single entry
 * @param name  the holder's name as printed ("given family"), or the transliterated name
 * @param birthYear year of birth, if the certificate gives one
 */
public record Dgc(DccType type, JsonNode entry, String name, Optional<Integer> birthYear) {
    /** SNOMED CT "not detected". */
    public static final String TEST_NOT_DETECTED = "260415000";
    /** How long a vaccination takes to protect, before a complete series counts. */
    public static final Duration VACCINATION_TAKES_EFFECT = Duration.ofDays(14);
    /** How long a negative test counts, from the sample time. */
    public static final Duration TEST_VALIDITY = Duration.ofHours(48);

    private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+");
    private static final Pattern DOB = Pattern.compile("((19|20)\\d\\d(-\\d\\d){0,2})?");
    private static final int MAX_TEXT = 256;

    /**
     * Reads and checks a DCC payload.
     *
     * @throws IllegalArgumentException naming the first field that does not fit the schema
     */
    public static Dgc parse(JsonNode dgc) {
        if (dgc == null || !dgc.isObject()) {
            throw new IllegalArgumentException("DCC payload is not a map");
        }
        String version = text(dgc, "ver");
        if (!VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("DCC 'ver' " + version + " is not a semantic version");
        }
        JsonNode nam = dgc.get("nam");
        if (nam == null || !nam.isObject()) {
            throw new IllegalArgumentException("DCC has no 'nam' map");
        }
        String fnt = text(nam, "fnt");
        String fn = optionalText(nam, "fn");
        String gn = optionalText(nam, "gn");
        String gnt = optionalText(nam, "gnt");
        String dob = dgc.has("dob") ? text(dgc, "dob", true) : "";
        if (!DOB.matcher(dob).matches()) {
            throw new IllegalArgumentException("DCC 'dob' " + dob + " is not a date");
        }
        DccType type = null;
        JsonNode entry = null;
        for (DccType candidate : DccType.values()) {
            JsonNode entries = dgc.get(candidate.field());
            if (entries == null) {
                continue;
            }
            if (type != null) {
                throw new IllegalArgumentException(
                        "DCC holds both '" + type.field() + "' and '" + candidate.field() + "' entries");
            }
            if (!entries.isArray() || entries.size() != 1) {
                throw new IllegalArgumentException("DCC '" + candidate.field() + "' must hold exactly one entry");
            }
            type = candidate;
            entry = entries.get(0);
        }
        if (type == null) {
            throw new IllegalArgumentException("DCC holds no v, t or r entry");
        }
        checkEntry(type, entry);
        String name = fn != null || gn != null ? join(gn, fn) : join(gnt, fnt).replace('<', ' ');
        Optional<Integer> year =
                dob.length() >= 4 ? Optional.of(Integer.parseInt(dob.substring(0, 4))) : Optional.empty();
        return new Dgc(type, entry, name.strip(), year);
    }

    private static void checkEntry(DccType type, JsonNode entry) {
        if (entry == null || !entry.isObject()) {
            throw new IllegalArgumentException("DCC '" + type.field() + "' entry is not a map");
        }
        text(entry, "tg");
        text(entry, "co");
        text(entry, "is");
        text(entry, "ci");
        switch (type) {
            case VACCINATION -> {
                text(entry, "vp");
                text(entry, "mp");
                text(entry, "ma");
                int dn = dose(entry, "dn");
                int sd = dose(entry, "sd");
                if (dn < 1 || sd < 1) {
                    throw new IllegalArgumentException("DCC dose numbers must be positive, got " + dn + "/" + sd);
                }
                date(entry, "dt");
            }
            case TEST -> {
                text(entry, "tt");
                text(entry, "tr");
                instant(entry, "sc");
            }
            case RECOVERY -> {
                date(entry, "fr");
                date(entry, "df");
                date(entry, "du");
            }
        }
    }

    /** The certificate identifier (UVCI), which is the pass id. */
    public String certificateId() {
        return entry.get("ci").asText();
    }

    /** The country of vaccination, test or recovery. */
    public String country() {
        return entry.get("co").asText();
    }

    /** The status this certificate states. */
    public PassStatus status() {
        return switch (type) {
            case VACCINATION ->
                entry.get("dn").asInt() >= entry.get("sd").asInt() ? PassStatus.VACCINATED : PassStatus.UNVACCINATED;
            case TEST ->
                TEST_NOT_DETECTED.equals(entry.get("tr").asText()) ? PassStatus.TESTED : PassStatus.UNVACCINATED;
            case RECOVERY -> PassStatus.RECOVERED;
        };
    }

    /** When the status starts to hold. */
    public Instant statusValidFrom() {
        return switch (type) {
            case VACCINATION -> {
                Instant dose = date(entry, "dt");
                boolean booster = entry.get("dn").asInt() > entry.get("sd").asInt();
                yield booster || status() != PassStatus.VACCINATED ? dose : dose.plus(VACCINATION_TAKES_EFFECT);
            }
            case TEST -> instant(entry, "sc");
            case RECOVERY -> date(entry, "df");
        };
    }

    /** When the status stops holding, if it does. */
    public Optional<Instant> statusValidUntil() {
        return switch (type) {
            case VACCINATION -> Optional.empty();
            case TEST ->
                status() == PassStatus.TESTED
                        ? Optional.of(instant(entry, "sc").plus(TEST_VALIDITY))
                        : Optional.empty();
            case RECOVERY -> Optional.of(date(entry, "du").plus(Duration.ofDays(1)));
        };
    }

    /** The masked name and birth year for staff, when the certificate has both. */
    public Optional<DisplayHint> display() {
        if (name.isBlank() || birthYear.isEmpty() || birthYear.get() < 1900 || birthYear.get() > 2100) {
            return Optional.empty();
        }
        return Optional.of(DisplayHint.of(name, birthYear.get()));
    }

    private static String join(String first, String last) {
        return ((first == null ? "" : first) + " " + (last == null ? "" : last)).strip();
    }

    private static String text(JsonNode node, String field) {
        return text(node, field, false);
    }

    private static String text(JsonNode node, String field, boolean mayBeEmpty) {
        JsonNode value = node.get(field);
        if (value == null
                || !value.isTextual()
                || (!mayBeEmpty && value.asText().isEmpty())
                || value.asText().length() > MAX_TEXT) {
            throw new IllegalArgumentException(
                    "DCC field '" + field + "' must be a string of 1.." + MAX_TEXT + " characters");
        }
        return value.asText();
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        return text(node, field, true);
    }

    private static int dose(JsonNode entry, String field) {
        JsonNode value = entry.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() > 9) {
            throw new IllegalArgumentException("DCC field '" + field + "' must be an integer 1..9");
        }
        return value.asInt();
    }

    private static Instant date(JsonNode entry, String field) {
        String value = text(entry, field);
        try {
            return LocalDate.parse(value.length() > 10 && value.charAt(10) == 'T' ? value.substring(0, 10) : value)
                    .atStartOfDay(ZoneOffset.UTC)
                    .toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("DCC field '" + field + "' is not a date: " + value, e);
        }
    }

    private static Instant instant(JsonNode entry, String field) {
        JsonNode value = entry.get(field);
        if (value != null && value.isNumber()) {
            // Tag 1 (epoch seconds) is how some issuers encoded date-times in CBOR.
            return Instant.ofEpochSecond(value.asLong());
        }
        String text = text(entry, field);
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("DCC field '" + field + "' is not a date-time with offset: " + text, e);
        }
    }
}
