package io.checkpass.server.visits;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.pass.Serial;
import io.checkpass.core.registry.PhoneNumber;
import io.checkpass.core.time.IsoInstant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads the records of an upload (docs/api.yaml, {@code POST /api/v1/checkins}). Each record is either a
 * {@link CheckIn} or a problem with its index, so one bad record never costs the good ones.
 */
public final class CheckInJson {
    public static final int MAX_BATCH = 1000;
    /**
     * No check-in predates the pass era; an earlier scannedAt is a scanner with a wrong clock (and PostgreSQL could
     * not store the extremes an ISO-8601 parser accepts, such as year -999999999).
     */
    static final Instant EARLIEST_SCAN = Instant.parse("2020-01-01T00:00:00Z");

    private static final Set<String> VERDICTS = Set.of("ADMIT", "ADMIT_LIMITED", "CHECK_ID", "DENY");
    private static final Set<String> CHECK_METHODS = Set.of("paper_certificate", "id_sticker", "verbal", "app");
    private static final Pattern REASON = Pattern.compile("[A-Z_]{1,40}");
    /** A venue type's code as the rules write it (docs/rules.md); whether the rules know it is the summary's concern. */
    private static final Pattern VENUE_TYPE = Pattern.compile("[a-z0-9_]{1,40}");

    private CheckInJson() {}

    /** One record's outcome: exactly one of the two is set. */
    public record Parsed(int index, String id, CheckIn checkIn, String problem) {}

    /**
     * Reads the {@code checkins} array.
     *
     * @param venueId   the venue the uploading scanner is bound to; records must name it or omit it
     * @param scannerId the uploading scanner
     * @param now       to refuse scan times far in the future
     */
    public static List<Parsed> parse(JsonNode body, String venueId, String scannerId, Instant now) {
        JsonNode records = body.get("checkins");
        if (records == null || !records.isArray()) {
            throw new IllegalArgumentException("the body must be {\"checkins\": [...]}");
        }
        if (records.size() > MAX_BATCH) {
            throw new IllegalArgumentException(
                    "a batch holds at most " + MAX_BATCH + " check-ins, got " + records.size());
        }
        List<Parsed> out = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            JsonNode r = records.get(i);
            String id = r.path("id").asText("");
            try {
                out.add(new Parsed(i, id, read(r, venueId, scannerId, now), null));
            } catch (IllegalArgumentException e) {
                out.add(new Parsed(i, id, null, e.getMessage()));
            }
        }
        return out;
    }

    private static CheckIn read(JsonNode r, String venueId, String scannerId, Instant now) {
        if (!r.isObject()) {
            throw new IllegalArgumentException("a check-in must be an object");
        }
        UUID id = uuid7(r.path("id").asText(""));
        String venue = r.path("venueId").asText(venueId);
        if (!venue.equals(venueId)) {
            throw new IllegalArgumentException("venueId '" + venue + "' is not this scanner's venue '" + venueId + "'");
        }
        Instant scannedAt = instant(r.path("scannedAt").asText(""));
        if (scannedAt.isBefore(EARLIEST_SCAN)) {
            throw new IllegalArgumentException(
                    "scannedAt " + scannedAt + " is before " + EARLIEST_SCAN + ": the scanner's clock is wrong");
        }
        if (scannedAt.isAfter(now.plusSeconds(3600))) {
            throw new IllegalArgumentException(
                    "scannedAt " + scannedAt + " is more than an hour ahead of the centre's clock");
        }
        CheckIn.Channel channel;
        try {
            channel = CheckIn.Channel.valueOf(r.path("channel").asText("").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("channel must be QR, CALL or MANUAL");
        }
        Optional<String> verdict = optionalText(r, "verdict", 20);
        if (verdict.isPresent() && !VERDICTS.contains(verdict.get())) {
            throw new IllegalArgumentException("verdict must be one of " + VERDICTS);
        }
        Optional<String> reason = optionalText(r, "reason", 40);
        if (reason.isPresent() && !REASON.matcher(reason.get()).matches()) {
            throw new IllegalArgumentException("reason must be a reason code such as VALID");
        }
        Optional<Serial> serial = Optional.empty();
        Optional<String> passRef = Optional.empty();
        Optional<CheckIn.Contact> contact = Optional.empty();
        Optional<String> checkMethod = Optional.empty();
        Optional<String> format = optionalText(r, "format", 10);
        switch (channel) {
            case QR -> {
                if (r.hasNonNull("serial")) {
                    try {
                        serial = Optional.of(
                                Serial.parse(r.path("serial").asText().toLowerCase(Locale.ROOT)));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("serial: " + e.getMessage());
                    }
                } else {
                    // A DCC's certificate id may have 256 characters (the DCC schema's maxLength); a pass id the
                    // page derives (urn:uuid:…, sig:…) is shorter.
                    passRef = optionalText(r, "passRef", 256);
                }
                if (serial.isEmpty() && passRef.isEmpty() && !"DENY".equals(verdict.orElse(""))) {
                    throw new IllegalArgumentException(
                            "a QR check-in needs the pass serial (or a foreign pass's passRef)");
                }
            }
            case CALL, MANUAL -> {
                contact = Optional.of(contact(r.path("contact")));
                if (channel == CheckIn.Channel.MANUAL) {
                    checkMethod = optionalText(r, "checkMethod", 40);
                    if (checkMethod.isEmpty() || !CHECK_METHODS.contains(checkMethod.get())) {
                        throw new IllegalArgumentException("a MANUAL entry needs checkMethod: one of " + CHECK_METHODS);
                    }
                }
            }
        }
        // How the scanner judged (issue 16): absent from older scanners, which keep working; malformed is refused
        // like any other malformed field, so the door log never holds a value nobody can read.
        Optional<String> venueType = optionalText(r, "venueType", 40);
        if (venueType.isPresent() && !VENUE_TYPE.matcher(venueType.get()).matches()) {
            throw new IllegalArgumentException("venueType must be a venue type code such as restaurant_cafe");
        }
        Optional<String> ruleSet = optionalText(r, "ruleSet", 64);
        Optional<Long> bundleVersion = Optional.empty();
        JsonNode version = r.get("bundleVersion");
        if (version != null && !version.isNull()) {
            if (!version.canConvertToExactIntegral() || !version.canConvertToLong() || version.asLong() < 0) {
                throw new IllegalArgumentException("bundleVersion must be a whole number >= 0");
            }
            bundleVersion = Optional.of(version.asLong());
        }
        return new CheckIn(
                id,
                scannedAt,
                venueId,
                Optional.ofNullable(scannerId),
                channel,
                serial,
                format,
                passRef,
                contact,
                verdict,
                reason,
                checkMethod,
                venueType,
                ruleSet,
                bundleVersion);
    }

    private static CheckIn.Contact contact(JsonNode c) {
        if (!c.isObject()) {
            throw new IllegalArgumentException("contact must be {\"phone\": ..., \"name\": ...}");
        }
        PhoneNumber phone = PhoneNumber.parse(c.path("phone").asText("")).orElseThrow();
        Optional<String> name = optionalText(c, "name", 100);
        return new CheckIn.Contact(phone, name);
    }

    static UUID uuid7(String text) {
        UUID id;
        try {
            id = UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("id must be a UUID (version 7, minted by the client)");
        }
        if (id.version() != 7 || !text.equalsIgnoreCase(id.toString())) {
            throw new IllegalArgumentException("id must be a UUIDv7 in canonical form, got '" + text + "'");
        }
        return id;
    }

    private static Instant instant(String text) {
        try {
            return IsoInstant.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("scannedAt: " + e.getMessage(), e);
        }
    }

    private static Optional<String> optionalText(JsonNode node, String field, int maxLength) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual() || v.asText().length() > maxLength) {
            throw new IllegalArgumentException(field + " must be a string of at most " + maxLength + " characters");
        }
        // PostgreSQL text cannot hold NUL, and no field here has a use for control characters: one such record
        // must be refused alone, not fail its whole batch at the database.
        if (v.asText().chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            throw new IllegalArgumentException(field + " must not contain control characters");
        }
        return Optional.of(v.asText());
    }
}
