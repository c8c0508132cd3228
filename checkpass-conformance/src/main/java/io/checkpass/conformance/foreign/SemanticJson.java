package io.checkpass.conformance.foreign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares a DCC payload decoded from CBOR with the JSON a test case states, as the suite's README asks: maps and
 * arrays regardless of order, numbers by value, and date or date-time strings as the instant they denote (to the
 * second), since CBOR and JSON encoders spell those differently.
 */
final class SemanticJson {
    private SemanticJson() {}

    static boolean same(JsonNode a, JsonNode b) {
        return normalize(a).equals(normalize(b));
    }

    private static Object normalize(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "null";
        }
        if (node.isObject()) {
            Map<String, Object> map = new TreeMap<>();
            node.properties().forEach(e -> map.put(e.getKey(), normalize(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(String.valueOf(normalize(item))));
            items.sort(Comparator.naturalOrder());
            return items;
        }
        if (node.isNumber()) {
            return node.decimalValue().stripTrailingZeros();
        }
        if (node.isTextual()) {
            String text = node.asText();
            try {
                Instant instant = ValidationClock.parse(text);
                return BigDecimal.valueOf(instant.getEpochSecond());
            } catch (IllegalArgumentException notADate) {
                return text;
            }
        }
        if (node.isBinary()) {
            return "binary:" + Base64.getEncoder().encodeToString(binary(node));
        }
        return node.asText();
    }

    /** Jackson's binaryValue declares IOException only for streaming sources; a tree's binary node never throws. */
    private static byte[] binary(JsonNode node) {
        return ((BinaryNode) node).binaryValue();
    }
}
