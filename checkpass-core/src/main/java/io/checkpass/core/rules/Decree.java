package io.checkpass.core.rules;

import static io.checkpass.core.rules.JsonFields.instant;
import static io.checkpass.core.rules.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A decree an issuer-admin publishes to a running centre: one venue or medical rule set, with the venue types and
 * conditions it introduces, and, for a rewrite of what is already in force, the reason it is a correction
 * (docs/rules.md §Publishing).
 *
 * <pre>{@code
 * {"kind": "venue", "ruleSet": {...a rule set...}, "venueTypes": [...], "conditions": [...], "correction": "why"}
 * }</pre>
 *
 * @param kind       which rules it changes
 * @param ruleSet    the rule set, in the form of the shipped files
 * @param venueTypes venue types to add (venue decrees only)
 * @param conditions conditions to add (venue decrees only)
 * @param correction why it rewrites the past, if it does
 */
public record Decree(
        Kind kind,
        ObjectNode ruleSet,
        List<ObjectNode> venueTypes,
        List<ObjectNode> conditions,
        Optional<String> correction) {

    /** The two kinds of rules a decree can change. */
    public enum Kind {
        VENUE,
        MEDICAL;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The longest correction reason kept in the audit log. */
    private static final int MAX_REASON = 500;

    private static final Set<String> FIELDS = Set.of("kind", "ruleSet", "venueTypes", "conditions", "correction");

    public Decree {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(ruleSet, "ruleSet");
        venueTypes = List.copyOf(venueTypes);
        conditions = List.copyOf(conditions);
        Objects.requireNonNull(correction, "correction");
    }

    /**
     * Reads a decree document.
     *
     * @throws RulesFormatException naming the field at fault
     */
    public static Decree parse(JsonNode json) {
        if (!(json instanceof ObjectNode object)) {
            throw new RulesFormatException("a decree is a JSON object with kind and ruleSet");
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new RulesFormatException("decree: unknown field '" + name + "'; known: " + new TreeSet<>(FIELDS));
            }
        }
        String kindText = text(object, "kind", "decree");
        Kind kind;
        try {
            kind = Kind.valueOf(kindText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new RulesFormatException("decree: 'kind' must be venue or medical, not '" + kindText + "'");
        }
        if (!(object.get("ruleSet") instanceof ObjectNode ruleSet)) {
            throw new RulesFormatException("decree: 'ruleSet' must be an object, as in the shipped rule-set files");
        }
        List<ObjectNode> types = objects(object, "venueTypes");
        List<ObjectNode> conditions = objects(object, "conditions");
        if (kind == Kind.MEDICAL && (!types.isEmpty() || !conditions.isEmpty())) {
            throw new RulesFormatException("decree: a medical decree adds no venueTypes or conditions");
        }
        Optional<String> correction = Optional.empty();
        if (object.has("correction")) {
            String reason = object.get("correction").asText("").strip();
            if (reason.isEmpty() || reason.length() > MAX_REASON) {
                throw new RulesFormatException(
                        "decree: 'correction' must say why the past is rewritten (1.." + MAX_REASON + " characters)");
            }
            correction = Optional.of(reason);
        }
        ObjectNode set = ruleSet.deepCopy();
        set.remove("file");
        return new Decree(kind, set, types, conditions, correction);
    }

    private static List<ObjectNode> objects(ObjectNode decree, String field) {
        List<ObjectNode> out = new ArrayList<>();
        JsonNode node = decree.get(field);
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw new RulesFormatException("decree: '" + field + "' must be an array");
        }
        for (JsonNode item : node) {
            if (!(item instanceof ObjectNode o)) {
                throw new RulesFormatException("decree: each of '" + field + "' must be an object");
            }
            out.add(o.deepCopy());
        }
        return out;
    }

    /** The rule set's id. */
    public String id() {
        return text(ruleSet, "id", "decree ruleSet");
    }

    /** When the rule set takes force. */
    public Instant effectiveFrom() {
        return instant(ruleSet, "effectiveFrom", "decree ruleSet " + id());
    }

    /**
     * What publishing this decree does to the rules of its kind.
     *
     * @param document the complete new rules document
     * @param replaces the id of the set it replaces (a correction or an amendment of a set not yet in force)
     * @param previous the id of the set in force just before it takes force, under the current rules
     * @param changes  what changes against that set, one line each
     */
    public record Applied(
            ObjectNode document, Optional<String> replaces, Optional<String> previous, List<String> changes) {}

    /**
     * Applies this decree to the current rules document of its kind at {@code now}, and validates the result.
     *
     * @throws RulesFormatException if the result is not valid rules, or the decree rewrites the past (takes force at
     *     or before {@code now}, or replaces a set already in force) without being a correction
     */
    public Applied applyTo(JsonNode current, Instant now) {
        String id = id();
        Instant from = effectiveFrom();
        ObjectNode document = current.deepCopy();
        ArrayNode sets = document.withArray("ruleSets");
        int replaced = -1;
        for (int i = 0; i < sets.size(); i++) {
            if (id.equals(sets.get(i).path("id").asText())) {
                replaced = i;
            }
        }
        boolean rewritesPast = !from.isAfter(now)
                || (replaced >= 0
                        && !instant(sets.get(replaced), "effectiveFrom", "rule set " + id)
                                .isAfter(now));
        if (rewritesPast && correction.isEmpty()) {
            throw new RulesFormatException("rule set " + id + ": takes force at " + from
                    + (replaced >= 0 ? " and replaces a set already in force" : "")
                    + ", which is not in the future (now " + now + "); a decree takes force in the future, or is"
                    + " published as a correction with \"correction\": \"<why>\"");
        }
        Optional<String> previous = kind == Kind.VENUE
                ? inForceBefore(VenueRules.fromDocument(current).ruleSets(), from, id)
                : inForceBefore(MedicalRules.fromDocument(current).ruleSets(), from, id);
        if (replaced >= 0) {
            sets.set(replaced, ruleSet.deepCopy());
        } else {
            sets.add(ruleSet.deepCopy());
        }
        if (kind == Kind.VENUE) {
            addMissing(document.withArray("venueTypes"), venueTypes, "code");
            addMissing(document.withArray("conditions"), conditions, "id");
            VenueRules.fromDocument(document);
        } else {
            MedicalRules.fromDocument(document);
        }
        return new Applied(
                document,
                replaced >= 0 ? Optional.of(id) : Optional.empty(),
                previous,
                changes(previous.map(p -> findSet(current, p)).orElse(null), ruleSet));
    }

    /** The id of the set in force just before {@code from}, this decree's own set aside. */
    private static <S extends RuleSet> Optional<String> inForceBefore(List<S> sets, Instant from, String id) {
        S found = null;
        for (S set : sets) {
            if (!set.effectiveFrom().isBefore(from)) {
                break;
            }
            if (!set.id().equals(id)
                    && (set.until().isEmpty() || set.until().get().isAfter(from))) {
                found = set;
            }
        }
        return Optional.ofNullable(found).map(RuleSet::id);
    }

    private static JsonNode findSet(JsonNode document, String id) {
        for (JsonNode set : document.path("ruleSets")) {
            if (id.equals(set.path("id").asText())) {
                return set;
            }
        }
        return null;
    }

    private static void addMissing(ArrayNode into, List<ObjectNode> additions, String key) {
        Set<String> known = new LinkedHashSet<>();
        into.forEach(n -> known.add(n.path(key).asText()));
        for (ObjectNode addition : additions) {
            if (known.add(addition.path(key).asText())) {
                into.add(addition);
            }
        }
    }

    /** One line per difference between the set before and the new one, field by field. */
    static List<String> changes(JsonNode before, JsonNode after) {
        List<String> out = new ArrayList<>();
        if (before == null) {
            out.add("first rule set: nothing was in force before it");
            return out;
        }
        Set<String> fields = new TreeSet<>();
        before.fieldNames().forEachRemaining(fields::add);
        after.fieldNames().forEachRemaining(fields::add);
        fields.removeAll(Set.of("id", "effectiveFrom", "title", "source", "file"));
        for (String field : fields) {
            JsonNode a = before.path(field);
            JsonNode b = after.path(field);
            if (a.equals(b)) {
                continue;
            }
            if (field.equals("parameters")) {
                Set<String> names = new TreeSet<>();
                a.fieldNames().forEachRemaining(names::add);
                b.fieldNames().forEachRemaining(names::add);
                for (String name : names) {
                    if (!a.path(name).equals(b.path(name))) {
                        out.add("parameters." + name + ": " + shown(a.path(name)) + " → " + shown(b.path(name)));
                    }
                }
            } else if (a.isArray() && b.isArray() && allText(a) && allText(b)) {
                Set<String> was = texts(a);
                Set<String> is = texts(b);
                for (String added : is) {
                    if (!was.contains(added)) {
                        out.add(field + " + " + added);
                    }
                }
                for (String removed : was) {
                    if (!is.contains(removed)) {
                        out.add(field + " − " + removed);
                    }
                }
            } else {
                out.add(field + ": " + shown(a) + " → " + shown(b));
            }
        }
        if (out.isEmpty()) {
            out.add("no change in what the rules decide (title or source only)");
        }
        return out;
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> out = new LinkedHashSet<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String shown(JsonNode node) {
        return node.isMissingNode() ? "(absent)" : node.toString();
    }

    /** The decree as a document again, e.g. for the audit log. */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("kind", kind.id());
        json.set("ruleSet", ruleSet.deepCopy());
        if (!venueTypes.isEmpty()) {
            venueTypes.forEach(json.putArray("venueTypes")::add);
        }
        if (!conditions.isEmpty()) {
            conditions.forEach(json.putArray("conditions")::add);
        }
        correction.ifPresent(c -> json.put("correction", c));
        return json;
    }
}
