package io.checkpass.core.foreign.dcc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * One EU DCC revocation list (the DCC revocation list, DRL, of the EU gateway): for one signer key id, the hashes
 * of one type that identify revoked certificates. Carried as data in the bundle's foreign trust section and checked
 * offline: {@code {"kid": base64, "hashType": "UCI" | "COUNTRYCODEUCI" | "SIGNATURE", "hashes": [base64, ...]}}.
 *
 * <p>Every hash is the first 16 bytes of a SHA-256 ({@link HashType}).
 *
 * @param kid    the key id of the signer certificate whose certificates the list revokes
 * @param type   what was hashed
 * @param hashes the truncated hashes, 16 bytes each
 */
public record DccRevocationList(byte[] kid, HashType type, Set<ByteBuffer> hashes) {
    /** The length of every hash: SHA-256 truncated to its first 128 bits. */
    public static final int HASH_BYTES = 16;
    /** Far beyond any real list for one key and type (the gateway's largest held tens of thousands). */
    public static final int MAX_HASHES = 1_000_000;

    /** What a revocation hash is computed over (DCC revocation spec, gateway hash types). */
    public enum HashType {
        /** The UCI: the certificate identifier {@code ci}, as UTF-8. Gateway code 0x0a. */
        UCI,
        /** The issuing country code (CWT {@code iss}) followed by the UCI, as UTF-8. Gateway code 0x0b. */
        COUNTRYCODEUCI,
        /**
         * The COSE signature: for ES256 its first half (the r value), for PS256 the whole of it. Gateway code 0x0c.
         */
        SIGNATURE
    }

    public DccRevocationList {
        if (kid.length == 0 || kid.length > 64) {
            throw new IllegalArgumentException("a DCC revocation list's key id is 1..64 bytes, got " + kid.length);
        }
        if (hashes.size() > MAX_HASHES) {
            throw new IllegalArgumentException("a DCC revocation list holds at most " + MAX_HASHES + " hashes");
        }
        for (ByteBuffer hash : hashes) {
            if (hash.remaining() != HASH_BYTES) {
                throw new IllegalArgumentException(
                        "a DCC revocation hash is " + HASH_BYTES + " bytes, got " + hash.remaining());
            }
        }
        kid = kid.clone();
        hashes = Set.copyOf(hashes);
    }

    @Override
    public byte[] kid() {
        return kid.clone();
    }

    /** Whether the list holds this hash. */
    public boolean contains(byte[] hash) {
        return hashes.contains(ByteBuffer.wrap(hash));
    }

    /**
     * Reads a list from its trust-bundle JSON, checking it.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static DccRevocationList fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("a DCC revocation list must be an object with kid, hashType and hashes");
        }
        byte[] kid = base64(node.get("kid"), "kid");
        JsonNode typeNode = node.get("hashType");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new IllegalArgumentException(
                    "a DCC revocation list needs a hashType (UCI, COUNTRYCODEUCI, SIGNATURE)");
        }
        HashType type;
        try {
            type = HashType.valueOf(typeNode.asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown DCC revocation hashType '" + typeNode.asText()
                    + "'; use UCI, COUNTRYCODEUCI or SIGNATURE");
        }
        JsonNode list = node.get("hashes");
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException("a DCC revocation list needs a list of base64 hashes");
        }
        if (list.size() > MAX_HASHES) {
            throw new IllegalArgumentException("a DCC revocation list holds at most " + MAX_HASHES + " hashes");
        }
        Set<ByteBuffer> hashes = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            byte[] hash = base64(list.get(i), "hashes[" + i + "]");
            if (hash.length != HASH_BYTES) {
                throw new IllegalArgumentException("DCC revocation hashes[" + i + "] is " + hash.length
                        + " bytes; a hash is the first " + HASH_BYTES + " bytes of a SHA-256");
            }
            if (!hashes.add(ByteBuffer.wrap(hash))) {
                throw new IllegalArgumentException("DCC revocation hashes[" + i + "] is listed twice");
            }
        }
        return new DccRevocationList(kid, type, hashes);
    }

    /** The trust-bundle JSON of this list, hashes in a stable (sorted) order. */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("kid", Base64.getEncoder().encodeToString(kid));
        node.put("hashType", type.name());
        ArrayNode list = node.putArray("hashes");
        hashes.stream()
                .map(b -> {
                    byte[] bytes = new byte[b.remaining()];
                    b.duplicate().get(bytes);
                    return bytes;
                })
                .sorted(Arrays::compareUnsigned)
                .forEach(h -> list.add(Base64.getEncoder().encodeToString(h)));
        return node;
    }

    /** Another list for the same key id and type: the union of both. */
    public DccRevocationList union(DccRevocationList other) {
        if (!Arrays.equals(kid, other.kid) || type != other.type) {
            throw new IllegalArgumentException("only lists of the same key id and hash type merge");
        }
        Set<ByteBuffer> all = new LinkedHashSet<>(hashes);
        all.addAll(other.hashes);
        return new DccRevocationList(kid, type, all);
    }

    private static byte[] base64(JsonNode value, String field) {
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("DCC revocation list has no base64 '" + field + "'");
        }
        try {
            return Base64.getDecoder().decode(value.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("DCC revocation list '" + field + "' is not base64", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DccRevocationList other
                && Arrays.equals(kid, other.kid)
                && type == other.type
                && hashes.equals(other.hashes);
    }

    @Override
    public int hashCode() {
        return (31 * Arrays.hashCode(kid) + type.hashCode()) * 31 + hashes.hashCode();
    }

    @Override
    public String toString() {
        return "DccRevocationList[" + HexFormat.of().formatHex(kid) + " " + type + " " + hashes.size() + " hashes]";
    }
}
