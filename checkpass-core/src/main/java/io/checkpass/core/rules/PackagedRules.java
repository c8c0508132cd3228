package io.checkpass.core.rules;

import static io.checkpass.core.rules.JsonFields.textArray;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads rules shipped on the class path: an index whose {@code ruleSetFiles} name one file per decree beside it,
 * assembled into the document form, where the sets sit in {@code ruleSets} and each remembers its {@code file}.
 */
final class PackagedRules {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PackagedRules() {}

    /** @throws RulesFormatException if the index or a set file is missing or not a JSON object */
    static ObjectNode document(String indexResource) {
        ObjectNode index = read(indexResource);
        String dir = indexResource.substring(0, indexResource.lastIndexOf('/') + 1);
        ArrayNode sets = JSON.createArrayNode();
        for (String file : textArray(index, "ruleSetFiles", indexResource)) {
            sets.add(read(dir + file).put("file", file));
        }
        ObjectNode document = index.deepCopy();
        document.remove("ruleSetFiles");
        document.set("ruleSets", sets);
        return document;
    }

    /**
     * The document with the file its index names in {@code fileField} (beside the index) inlined as {@code field};
     * unchanged when the index names none.
     *
     * @throws RulesFormatException if the file is missing or not a JSON object
     */
    static ObjectNode inline(ObjectNode document, String indexResource, String fileField, String field) {
        JsonNode file = document.get(fileField);
        if (file == null) {
            return document;
        }
        if (!file.isTextual()) {
            throw new RulesFormatException(indexResource + ": '" + fileField + "' must be a file name");
        }
        String dir = indexResource.substring(0, indexResource.lastIndexOf('/') + 1);
        ObjectNode out = document.deepCopy();
        out.remove(fileField);
        out.set(field, read(dir + file.asText()));
        return out;
    }

    private static ObjectNode read(String resource) {
        try (InputStream in = PackagedRules.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new RulesFormatException("rules resource " + resource + " is missing");
            }
            JsonNode node = JSON.readTree(in);
            if (!(node instanceof ObjectNode object)) {
                throw new RulesFormatException(resource + " is not a JSON object");
            }
            return object;
        } catch (IOException e) {
            throw new RulesFormatException(resource + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}
