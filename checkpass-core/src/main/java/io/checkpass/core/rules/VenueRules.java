package io.checkpass.core.rules;

import static io.checkpass.core.rules.JsonFields.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.pass.PassStatus;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The venue rules of a jurisdiction as versioned data: the known venue types, the conditions staff may have to
 * apply, and the rule sets with the instants they took force. A decree adds a rule set; no code changes.
 *
 * <p>The document form (see docs/rules.md) is what ships in {@code rules/kr/} and what the trust bundle carries,
 * so scanners apply exactly the rules the centre published.
 */
public final class VenueRules {
    /** Where the packaged Korean rules live on the class path. */
    public static final String KOREA = "/io/checkpass/core/rules/kr/venue-rules.json";

    private final String jurisdiction;
    private final Map<VenueType, LocalizedText> venueTypes;
    private final Map<String, Condition> conditions;
    private final Timeline<VenueRuleSet> ruleSets;
    private final JsonNode document;

    private VenueRules(
            String jurisdiction,
            Map<VenueType, LocalizedText> venueTypes,
            Map<String, Condition> conditions,
            Timeline<VenueRuleSet> ruleSets,
            JsonNode document) {
        this.jurisdiction = jurisdiction;
        this.venueTypes = venueTypes;
        this.conditions = conditions;
        this.ruleSets = ruleSets;
        this.document = document;
    }

    /** The Korean rules packaged with checkpass (13 Dec 2021 to 1 Mar 2022). */
    public static VenueRules korea() {
        return loadPackaged(KOREA);
    }

    /**
     * Loads a packaged index whose {@code ruleSetFiles} name rule-set files beside it.
     *
     * @throws RulesFormatException if a file is missing or invalid
     */
    public static VenueRules loadPackaged(String indexResource) {
        return fromDocument(PackagedRules.document(indexResource));
    }

    /**
     * Builds the rules from their document form and validates every reference.
     *
     * @throws RulesFormatException naming the set and field at fault
     */
    public static VenueRules fromDocument(JsonNode document) {
        String jurisdiction = text(document, "jurisdiction", "venue rules");
        Map<VenueType, LocalizedText> types = new LinkedHashMap<>();
        for (JsonNode t : array(document, "venueTypes", "venue rules")) {
            String code = text(t, "code", "venue type");
            VenueType type;
            try {
                type = new VenueType(code);
            } catch (IllegalArgumentException e) {
                throw new RulesFormatException("venue type: " + e.getMessage());
            }
            if (types.put(type, localized(t, "venue type " + code)) != null) {
                throw new RulesFormatException("venue type " + code + " is listed twice");
            }
        }
        Map<String, Condition> conditions = new HashMap<>();
        for (JsonNode c : optionalArray(document, "conditions", "venue rules")) {
            String id = text(c, "id", "condition");
            conditions.put(id, new Condition(id, localized(c, "condition " + id)));
        }
        List<VenueRuleSet> sets = new ArrayList<>();
        for (JsonNode s : array(document, "ruleSets", "venue rules")) {
            sets.add(ruleSet(s, types, conditions));
        }
        return new VenueRules(
                jurisdiction, Map.copyOf(types), Map.copyOf(conditions), Timeline.of(sets), document.deepCopy());
    }

    private static VenueRuleSet ruleSet(
            JsonNode s, Map<VenueType, LocalizedText> types, Map<String, Condition> conditions) {
        String id = text(s, "id", "rule set");
        String where = "rule set " + id;
        Set<VenueType> required = new LinkedHashSet<>();
        for (String code : textArray(s, "passRequired", where)) {
            required.add(knownType(code, types, where));
        }
        Set<PassStatus> admit = new LinkedHashSet<>();
        for (String status : textArray(s, "admit", where)) {
            admit.add(status(status, where));
        }
        Map<VenueType, Map<PassStatus, Condition>> conditional = new HashMap<>();
        for (JsonNode c : optionalArray(s, "conditional", where)) {
            VenueType type = knownType(text(c, "venueType", where), types, where);
            PassStatus status = status(text(c, "status", where), where);
            String conditionId = text(c, "condition", where);
            Condition condition = conditions.get(conditionId);
            if (condition == null) {
                throw new RulesFormatException(where + ": condition '" + conditionId + "' is not defined");
            }
            conditional.computeIfAbsent(type, k -> new HashMap<>()).put(status, condition);
        }
        List<Guidance> guidance = new ArrayList<>();
        for (JsonNode g : optionalArray(s, "guidance", where)) {
            guidance.add(guidance(g, types, where + " guidance"));
        }
        return new VenueRuleSet(
                id,
                instant(s, "effectiveFrom", where),
                s.hasNonNull("until") ? Optional.of(instant(s, "until", where)) : Optional.empty(),
                localized(object(s, "title", where), where),
                optionalText(s, "source", where),
                required,
                admit,
                conditional,
                guidance);
    }

    private static Guidance guidance(JsonNode g, Map<VenueType, LocalizedText> types, String where) {
        Set<VenueType> covered = new LinkedHashSet<>();
        for (String code : g.has("venueTypes") ? textArray(g, "venueTypes", where) : List.<String>of()) {
            covered.add(knownType(code, types, where));
        }
        String appliesTo = g.has("appliesTo") ? text(g, "appliesTo", where) : "refused";
        if (!appliesTo.equals("refused") && !appliesTo.equals("lapsed")) {
            throw new RulesFormatException(
                    where + ": 'appliesTo' must be 'refused' (anyone the rule refuses) or 'lapsed' (only holders"
                            + " whose status lapsed), not '" + appliesTo + "'");
        }
        return new Guidance(
                covered,
                appliesTo.equals("lapsed"),
                instant(g, "until", where),
                localized(object(g, "notice", where), where + " notice"));
    }

    private static VenueType knownType(String code, Map<VenueType, LocalizedText> types, String where) {
        try {
            VenueType type = new VenueType(code);
            if (types.containsKey(type)) {
                return type;
            }
        } catch (IllegalArgumentException e) {
            // reported below with the context
        }
        throw new RulesFormatException(where + ": venue type '" + code + "' is not in venueTypes");
    }

    private static PassStatus status(String name, String where) {
        try {
            return PassStatus.parse(name);
        } catch (IllegalArgumentException e) {
            throw new RulesFormatException(where + ": " + e.getMessage());
        }
    }

    public String jurisdiction() {
        return jurisdiction;
    }

    /** The known venue types with their names, in document order. */
    public Map<VenueType, LocalizedText> venueTypes() {
        return venueTypes;
    }

    /** Looks up a venue type code; empty if the rules do not know it. */
    public Optional<VenueType> venueType(String code) {
        try {
            VenueType type = new VenueType(code);
            return venueTypes.containsKey(type) ? Optional.of(type) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** All rule sets, oldest first. */
    public List<VenueRuleSet> ruleSets() {
        return ruleSets.sets();
    }

    /** The set in force at {@code instant}, or empty before the first one. */
    public Optional<VenueRuleSet> inForceAt(Instant instant) {
        return ruleSets.inForceAt(instant);
    }

    /** What the rules in force at {@code instant} say about {@code status} at {@code venueType}, guidance aside. */
    public VenueDecision decide(VenueType venueType, PassStatus status, Instant instant) {
        return inForceAt(instant).map(set -> set.decide(venueType, status)).orElseGet(VenueDecision.NotRequired::new);
    }

    /**
     * What the rules in force at {@code instant} say, guidance periods included; {@code lapsed} is true when the
     * holder's status ended rather than never held.
     */
    public VenueDecision decide(VenueType venueType, PassStatus status, boolean lapsed, Instant instant) {
        return inForceAt(instant)
                .map(set -> set.decide(venueType, status, lapsed, instant))
                .orElseGet(VenueDecision.NotRequired::new);
    }

    /** The document form, for the trust bundle and the API. A copy: callers may not change these rules. */
    public JsonNode document() {
        return document.deepCopy();
    }

    @Override
    public String toString() {
        List<VenueRuleSet> sets = ruleSets.sets();
        return "VenueRules[" + jurisdiction + ", " + sets.size() + " sets from "
                + (sets.isEmpty() ? "-" : sets.getFirst().effectiveFrom().atOffset(ZoneOffset.UTC)) + "]";
    }
}
