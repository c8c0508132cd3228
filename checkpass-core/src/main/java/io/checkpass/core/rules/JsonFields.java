package io.checkpass.core.rules;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.time.IsoInstant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/** Reads required fields of rules documents with errors that say where the problem is. */
final class JsonFields {
    private JsonFields() {}

    static String text(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new RulesFormatException(where + ": '" + field + "' must be a non-empty string");
        }
        return v.asText();
    }

    static String optionalText(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new RulesFormatException(where + ": '" + field + "' must be a string");
        }
        return v.asText();
    }

    static long integer(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
            throw new RulesFormatException(where + ": '" + field + "' must be an integer");
        }
        return v.asLong();
    }

    /** An integer in {@code min..max}. */
    static int integer(JsonNode node, String field, String where, int min, int max) {
        long v = integer(node, field, where);
        if (v < min || v > max) {
            throw new RulesFormatException(where + ": '" + field + "' = " + v + " is outside " + min + ".." + max);
        }
        return (int) v;
    }

    /** A field that must be present but may be null (meaning "none"): an integer in {@code min..max}, or empty. */
    static OptionalInt nullableInteger(JsonNode node, String field, String where, int min, int max) {
        JsonNode v = node.get(field);
        if (v == null) {
            throw new RulesFormatException(where + ": '" + field + "' is missing; write null if there is none");
        }
        return v.isNull() ? OptionalInt.empty() : OptionalInt.of(integer(node, field, where, min, max));
    }

    static boolean bool(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isBoolean()) {
            throw new RulesFormatException(where + ": '" + field + "' must be true or false");
        }
        return v.asBoolean();
    }

    static List<JsonNode> array(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isArray()) {
            throw new RulesFormatException(where + ": '" + field + "' must be an array");
        }
        List<JsonNode> out = new ArrayList<>();
        v.forEach(out::add);
        return out;
    }

    static List<JsonNode> optionalArray(JsonNode node, String field, String where) {
        return node.has(field) ? array(node, field, where) : List.of();
    }

    static List<String> textArray(JsonNode node, String field, String where) {
        List<String> out = new ArrayList<>();
        for (JsonNode item : array(node, field, where)) {
            if (!item.isTextual()) {
                throw new RulesFormatException(where + ": '" + field + "' must hold strings");
            }
            out.add(item.asText());
        }
        return out;
    }

    /** An ISO-8601 instant with offset, e.g. 2021-12-13T00:00:00+09:00. */
    static Instant instant(JsonNode node, String field, String where) {
        String s = text(node, field, where);
        try {
            return IsoInstant.parse(s);
        } catch (IllegalArgumentException e) {
            throw new RulesFormatException(where + ": '" + field + "' = " + e.getMessage());
        }
    }

    static LocalizedText localized(JsonNode node, String where) {
        return new LocalizedText(text(node, "ko", where), text(node, "en", where));
    }

    static JsonNode object(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isObject()) {
            throw new RulesFormatException(where + ": '" + field + "' must be an object");
        }
        return v;
    }
}
