package io.checkpass.core.rules;

import static io.checkpass.core.rules.JsonFields.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.registry.TestRecord;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The medical rules of a jurisdiction as versioned data: the zone its days are counted in and the rule sets with
 * the instants they took force. A decree adds a rule set; no code changes. The format is in docs/medical-rules.md.
 */
public final class MedicalRules {
    /** Where the packaged Korean rules live on the class path. */
    public static final String KOREA = "/io/checkpass/core/rules/kr/medical-rules.json";

    private static final Set<String> PARAMETERS = Set.of(
            "daysAfterPrimary",
            "validityDays",
            "boosterDaysAfter",
            "boosterValidityDays",
            "recoveryRemovesExpiry",
            "adultAge",
            "tests",
            "recoveryDays",
            "validityGuidanceUntil");
    /** Bounds that catch typing errors (a validity of 1800 days); no decree comes near them. */
    private static final int MAX_DAYS = 3660;

    private static final int MAX_TEST_HOURS = 24 * 31;
    private static final int MAX_AGE = 150;

    private final String jurisdiction;
    private final ZoneId zone;
    private final Timeline<MedicalRuleSet> ruleSets;
    private final VaccineProducts vaccineProducts;
    private final JsonNode document;

    private MedicalRules(
            String jurisdiction,
            ZoneId zone,
            Timeline<MedicalRuleSet> ruleSets,
            VaccineProducts vaccineProducts,
            JsonNode document) {
        this.jurisdiction = jurisdiction;
        this.zone = zone;
        this.ruleSets = ruleSets;
        this.vaccineProducts = vaccineProducts;
        this.document = document;
    }

    /** The Korean rules packaged with checkpass (from 1 Nov 2021; 180-day validity from 3 Jan 2022). */
    public static MedicalRules korea() {
        return loadPackaged(KOREA);
    }

    /**
     * Loads a packaged index whose {@code ruleSetFiles} name rule-set files beside it, and whose
     * {@code vaccineProductsFile}, if any, names the accepted vaccines beside it.
     *
     * @throws RulesFormatException if a file is missing or invalid
     */
    public static MedicalRules loadPackaged(String indexResource) {
        return fromDocument(PackagedRules.inline(
                PackagedRules.document(indexResource), indexResource, "vaccineProductsFile", "vaccineProducts"));
    }

    /**
     * Builds the rules from their document form and validates every field.
     *
     * @throws RulesFormatException naming the file or set and the field at fault
     */
    public static MedicalRules fromDocument(JsonNode document) {
        String jurisdiction = text(document, "jurisdiction", "medical rules");
        String zoneId = text(document, "zone", "medical rules");
        ZoneId zone;
        try {
            zone = ZoneId.of(zoneId);
        } catch (DateTimeException e) {
            throw new RulesFormatException(
                    "medical rules: 'zone' = '" + zoneId + "' is not a time zone such as Asia/Seoul");
        }
        List<MedicalRuleSet> sets = new ArrayList<>();
        for (JsonNode s : array(document, "ruleSets", "medical rules")) {
            sets.add(ruleSet(s));
        }
        VaccineProducts products = document.has("vaccineProducts")
                ? VaccineProducts.fromDocument(document.get("vaccineProducts"))
                : VaccineProducts.none();
        return new MedicalRules(jurisdiction, zone, Timeline.of(sets), products, document.deepCopy());
    }

    private static MedicalRuleSet ruleSet(JsonNode s) {
        String file = optionalText(s, "file", "medical rule set");
        String id = text(s, "id", file == null ? "medical rule set" : "medical rule set in " + file);
        String where = "medical rule set " + id + (file == null ? "" : " (" + file + ")");
        JsonNode p = object(s, "parameters", where);
        for (Map.Entry<String, JsonNode> parameter : p.properties()) {
            String name = parameter.getKey();
            if (!PARAMETERS.contains(name)) {
                throw new RulesFormatException(where + ": unknown parameter '" + name + "'; known: " + PARAMETERS);
            }
        }
        String params = where + " parameters";
        int daysAfterPrimary = integer(p, "daysAfterPrimary", params, 0, MAX_DAYS);
        OptionalInt validityDays = nullableInteger(p, "validityDays", params, 0, MAX_DAYS);
        if (validityDays.isPresent() && validityDays.getAsInt() < daysAfterPrimary) {
            throw new RulesFormatException(params + ": 'validityDays' = " + validityDays.getAsInt()
                    + " ends before 'daysAfterPrimary' = " + daysAfterPrimary + " starts");
        }
        OptionalInt boosterDaysAfter = nullableInteger(p, "boosterDaysAfter", params, 0, MAX_DAYS);
        OptionalInt boosterValidityDays = nullableInteger(p, "boosterValidityDays", params, 0, MAX_DAYS);
        if (boosterValidityDays.isPresent()
                && (boosterDaysAfter.isEmpty() || boosterValidityDays.getAsInt() < boosterDaysAfter.getAsInt())) {
            throw new RulesFormatException(
                    params + ": 'boosterValidityDays' needs a 'boosterDaysAfter' no greater than it");
        }
        return new MedicalRuleSet(
                id,
                instant(s, "effectiveFrom", where),
                localized(object(s, "title", where), where),
                optionalText(s, "source", where),
                daysAfterPrimary,
                validityDays,
                boosterDaysAfter,
                boosterValidityDays,
                bool(p, "recoveryRemovesExpiry", params),
                integer(p, "adultAge", params, 1, MAX_AGE),
                tests(p, params),
                integer(p, "recoveryDays", params, 0, MAX_DAYS),
                p.hasNonNull("validityGuidanceUntil")
                        ? Optional.of(instant(p, "validityGuidanceUntil", params))
                        : Optional.empty());
    }

    private static Map<TestRecord.Kind, MedicalRuleSet.TestValidity> tests(JsonNode parameters, String where) {
        Map<TestRecord.Kind, MedicalRuleSet.TestValidity> tests = new EnumMap<>(TestRecord.Kind.class);
        JsonNode byKind = object(parameters, "tests", where);
        for (Map.Entry<String, JsonNode> entry : byKind.properties()) {
            String at = where + " tests." + entry.getKey();
            TestRecord.Kind kind;
            try {
                kind = TestRecord.Kind.parse(entry.getKey());
            } catch (IllegalArgumentException e) {
                throw new RulesFormatException(at + ": " + e.getMessage());
            }
            JsonNode t = entry.getValue();
            var validity = new MedicalRuleSet.TestValidity(
                    integer(t, "hours", at, 1, MAX_TEST_HOURS), bool(t, "untilMidnight", at));
            if (tests.put(kind, validity) != null) {
                throw new RulesFormatException(at + ": test kind " + kind + " is listed twice");
            }
        }
        return tests;
    }

    public String jurisdiction() {
        return jurisdiction;
    }

    /** The zone in which days and midnights are counted. */
    public ZoneId zone() {
        return zone;
    }

    /** All rule sets, oldest first. */
    public List<MedicalRuleSet> ruleSets() {
        return ruleSets.sets();
    }

    /** The set in force at {@code instant}, or empty before the first one. */
    public Optional<MedicalRuleSet> inForceAt(Instant instant) {
        return ruleSets.inForceAt(instant);
    }

    /** The first set that takes force after {@code instant}, if one is known. */
    public Optional<MedicalRuleSet> nextAfter(Instant instant) {
        return ruleSets.nextAfter(instant);
    }

    /**
     * The vaccines accepted on a foreign pass and their primary doses; {@link VaccineProducts#none()} when the
     * document has no {@code vaccineProducts} section (then no foreign vaccination counts).
     */
    public VaccineProducts vaccineProducts() {
        return vaccineProducts;
    }

    /** The document form, for the trust bundle and the API. A copy: callers may not change these rules. */
    public JsonNode document() {
        return document.deepCopy();
    }

    @Override
    public String toString() {
        return "MedicalRules[" + jurisdiction + ", " + zone + ", "
                + ruleSets.sets().size() + " sets]";
    }
}
