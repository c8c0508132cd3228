package io.checkpass.core.foreign.nzcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.foreign.EcJwk;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An NZ COVID Pass issuer as the trust bundle carries it: {@code {"did": "did:web:…", "didDocument": {…}}}, the
 * issuer's DID document as {@code did:web} resolution would return it. Only verification methods that the document
 * also lists under {@code assertionMethod} may sign passes (NZCP spec §5.1).
 *
 * @param did         the issuer identifier, the {@code iss} of its passes
 * @param didDocument the DID document
 */
public record NzcpIssuer(String did, JsonNode didDocument) {
    public NzcpIssuer {
        if (did == null || !did.startsWith("did:web:") || did.length() > 255) {
            throw new IllegalArgumentException("NZCP issuer '" + did + "' is not a did:web identifier");
        }
        if (didDocument == null || !did.equals(didDocument.path("id").asText(null))) {
            throw new IllegalArgumentException("DID document's id is not " + did);
        }
        didDocument = didDocument.deepCopy();
        if (assertionKeys(did, didDocument).isEmpty()) {
            throw new IllegalArgumentException("DID document of " + did + " has no P-256 assertion key");
        }
    }

    @Override
    public JsonNode didDocument() {
        return didDocument.deepCopy();
    }

    /** An issuer from its DID document. */
    public static NzcpIssuer of(JsonNode didDocument) {
        return new NzcpIssuer(didDocument.path("id").asText(""), didDocument);
    }

    /** The keys that may sign passes, by key id (the fragment after {@code #}). */
    public Map<String, EcJwk> keys() {
        return assertionKeys(did, didDocument);
    }

    /**
     * Reads an issuer from its trust-bundle JSON.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static NzcpIssuer fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("an NZCP issuer must be an object with did and didDocument");
        }
        return new NzcpIssuer(node.path("did").asText(""), node.get("didDocument"));
    }

    /** The trust-bundle JSON of this issuer. */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("did", did);
        node.set("didDocument", didDocument.deepCopy());
        return node;
    }

    private static Map<String, EcJwk> assertionKeys(String did, JsonNode document) {
        Set<String> assertion = new HashSet<>();
        for (JsonNode method : document.path("assertionMethod")) {
            assertion.add(method.asText());
        }
        Map<String, EcJwk> keys = new LinkedHashMap<>();
        for (JsonNode method : document.path("verificationMethod")) {
            String id = method.path("id").asText("");
            if (!id.startsWith(did + "#") || !assertion.contains(id)) {
                continue;
            }
            if (!"JsonWebKey2020".equals(method.path("type").asText())) {
                throw new IllegalArgumentException("verification method " + id + " is not a JsonWebKey2020");
            }
            keys.put(id.substring(did.length() + 1), EcJwk.parse(method.get("publicKeyJwk")));
        }
        return keys;
    }
}
