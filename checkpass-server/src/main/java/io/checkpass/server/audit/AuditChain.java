package io.checkpass.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.crypto.Digests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit log's hash chain (migration V6): what an entry's hash covers, written once for the writer and the
 * verifier. An entry's subject and detail enter through their own digests, so that identity details can later be
 * pseudonymised while the chain stays verifiable over the digests.
 */
public final class AuditChain {
    /** The hash before the first chained entry. */
    static final byte[] GENESIS = new byte[32];

    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditChain() {}

    /** What {@code checkpass audit verify} found. */
    public sealed interface Check {
        /** Every chained entry is as it was written, and none is missing. */
        record Intact(long entries) implements Check {}

        /** The first entry that does not match, and why. */
        record Broken(long entryId, String why) implements Check {}
    }

    /** An entry's time as stored: PostgreSQL keeps microseconds. */
    static Instant stored(Instant at) {
        return at.truncatedTo(ChronoUnit.MICROS);
    }

    /** The digest of a subject (32 zero bytes for none). */
    static byte[] subjectDigest(String subject) {
        return subject == null ? new byte[32] : Digests.sha256(subject.getBytes(StandardCharsets.UTF_8));
    }

    /** Detail as canonical JSON: object keys sorted at every depth, no spaces; the same text whatever stored it. */
    static String canonical(JsonNode node) {
        return JSON.valueToTree(sorted(node)).toString();
    }

    static String canonical(Object detail) {
        return canonical(JSON.valueToTree(detail));
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("stored audit detail is not JSON", e);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JSON.createObjectNode();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            for (String name : names) {
                out.set(name, sorted(node.get(name)));
            }
            return out;
        }
        if (node.isArray()) {
            var out = JSON.createArrayNode();
            node.forEach(item -> out.add(sorted(item)));
            return out;
        }
        return node;
    }

    /** SHA-256(prev ‖ at in µs ‖ actor ‖ 0 ‖ action ‖ 0 ‖ subject digest ‖ detail digest). */
    static byte[] hash(
            byte[] prev, Instant at, String actor, String action, byte[] subjectDigest, byte[] detailDigest) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(160);
        out.writeBytes(prev);
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, at);
        out.writeBytes(ByteBuffer.allocate(8).putLong(micros).array());
        out.writeBytes(actor.getBytes(StandardCharsets.UTF_8));
        out.write(0);
        out.writeBytes(action.getBytes(StandardCharsets.UTF_8));
        out.write(0);
        out.writeBytes(subjectDigest);
        out.writeBytes(detailDigest);
        return Digests.sha256(out.toByteArray());
    }
}
