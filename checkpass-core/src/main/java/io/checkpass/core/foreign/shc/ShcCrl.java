package io.checkpass.core.foreign.shc;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A SMART Health Card revocation list for one issuer key (SHC spec, "Revocation"): {@code {"kid", "method": "rid",
 * "ctr", "rids": ["rid" | "rid.timestamp", …]}}. A bare rid revokes every card with that revocation id; with a
 * timestamp, only cards whose {@code nbf} is earlier.
 *
 * @param kid      the key whose cards it lists
 * @param ctr      the list's version, which must equal the key's {@code crlVersion}
 * @param revoked  rid → the instant before which cards are revoked (empty: all of them)
 */
public record ShcCrl(String kid, long ctr, Map<String, Optional<Instant>> revoked) {
    /** Revocation ids are base64url and at most 24 characters (SHC spec). */
    private static final Pattern RID = Pattern.compile("[A-Za-z0-9_-]{1,24}");

    private static final int MAX_RIDS = 1_000_000;

    public ShcCrl {
        revoked = Map.copyOf(revoked);
    }

    /**
     * Reads and checks a CRL document.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static ShcCrl parse(JsonNode crl) {
        if (crl == null || !crl.isObject()) {
            throw new IllegalArgumentException("a CRL must be a JSON object");
        }
        String kid = crl.path("kid").asText("");
        if (kid.isEmpty()) {
            throw new IllegalArgumentException("CRL has no kid");
        }
        if (!"rid".equals(crl.path("method").asText(null))) {
            throw new IllegalArgumentException(
                    "CRL for " + kid + " uses method '" + crl.path("method").asText() + "'; only 'rid' is defined");
        }
        JsonNode ctr = crl.get("ctr");
        if (ctr == null || !ctr.isIntegralNumber() || ctr.asLong() < 1) {
            throw new IllegalArgumentException("CRL for " + kid + " has no positive integer ctr");
        }
        JsonNode rids = crl.get("rids");
        if (rids == null || !rids.isArray() || rids.size() > MAX_RIDS) {
            throw new IllegalArgumentException("CRL for " + kid + " has no rids array");
        }
        Map<String, Optional<Instant>> revoked = new HashMap<>();
        for (JsonNode entry : rids) {
            String text = entry.asText("");
            int dot = text.indexOf('.');
            String rid = dot < 0 ? text : text.substring(0, dot);
            if (!entry.isTextual() || !RID.matcher(rid).matches()) {
                throw new IllegalArgumentException(
                        "CRL for " + kid + " lists '" + text + "', not a base64url rid of at most 24 characters");
            }
            Optional<Instant> before = Optional.empty();
            if (dot >= 0) {
                try {
                    before = Optional.of(Instant.ofEpochSecond(Long.parseLong(text.substring(dot + 1))));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "CRL for " + kid + " lists '" + text + "' with a timestamp that is not a number", e);
                }
            }
            if (revoked.put(rid, before) != null) {
                throw new IllegalArgumentException("CRL for " + kid + " lists rid " + rid + " twice");
            }
        }
        return new ShcCrl(kid, ctr.asLong(), revoked);
    }

    /** Whether a card with revocation id {@code rid} and not-before {@code nbf} is revoked. */
    public boolean revokes(String rid, Instant nbf) {
        Optional<Instant> before = revoked.get(rid);
        return before != null && (before.isEmpty() || nbf.isBefore(before.get()));
    }
}
