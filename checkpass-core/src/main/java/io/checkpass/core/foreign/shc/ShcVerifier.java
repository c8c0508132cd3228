package io.checkpass.core.foreign.shc;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.codec.BoundedInflater;
import io.checkpass.core.codec.Json;
import io.checkpass.core.crypto.Digests;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.pass.PassStatus;
import io.checkpass.core.verify.ForeignFormat;
import io.checkpass.core.verify.ForeignFormat.FormatOutcome;
import io.checkpass.core.verify.PassFacts;
import io.checkpass.core.verify.PassFormatKind;
import io.checkpass.core.verify.Reason;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Verifies a SMART Health Card JWS (SHC spec): compact JWS, ES256 with the raw 64-byte {@code r‖s} signature (a DER
 * signature is rejected), raw-DEFLATE payload, and a verifiable credential whose FHIR bundle proves doses.
 *
 * <p>The signature is checked before anything in the payload is decompressed or believed: the key is found by
 * {@code kid} among the trusted issuers' keys, and only then must the payload's {@code iss} be that key's issuer.
 * A card whose revocation id its issuer's CRL lists is REVOKED.
 *
 * <p>Immutable and thread-safe; build one per trust bundle.
 */
public final class ShcVerifier {
    /** Three chunks of the largest size; a card file may hold a longer JWS, which we still refuse beyond this. */
    public static final int MAX_JWS_CHARS = 3 * ShcNumeric.MAX_CHUNK_JWS_CHARS;

    private static final int MAX_PAYLOAD_BYTES = 128 * 1024;
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+");
    private static final String HEALTH_CARD = "https://smarthealth.cards#health-card";
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final Es256 es256;
    private final Map<String, List<TrustedKey>> byKid;

    private record TrustedKey(ShcIssuer issuer, ECPublicKey key, Optional<ShcCrl> crl) {}

    public ShcVerifier(List<ShcIssuer> issuers, Es256 es256) {
        this.es256 = es256;
        Map<String, List<TrustedKey>> index = new HashMap<>();
        for (ShcIssuer issuer : issuers) {
            Map<String, ShcCrl> crls = issuer.revocationLists();
            for (ShcIssuer.Key key : issuer.keys().values()) {
                index.computeIfAbsent(key.kid(), k -> new ArrayList<>())
                        .add(new TrustedKey(
                                issuer, key.jwk().publicKey(es256), Optional.ofNullable(crls.get(key.kid()))));
            }
        }
        index.replaceAll((kid, keys) -> List.copyOf(keys));
        this.byKid = Map.copyOf(index);
    }

    /**
     * Reads one scanned numeric text: one QR code, or all chunks of a chunked card separated by line breaks or
     * spaces, as the scanner collects them. Never throws.
     */
    public FormatOutcome readQr(String text) {
        String jws;
        try {
            if (text.length() > ForeignFormat.MAX_TEXT_CHARS) {
                return failed(Reason.MALFORMED);
            }
            jws = ShcNumeric.decode(Arrays.asList(text.split("[\\r\\n ]+", -1)));
        } catch (RuntimeException e) {
            return failed(Reason.MALFORMED);
        }
        return verify(jws);
    }

    /** Verifies one compact JWS; never throws. */
    public FormatOutcome verify(String jws) {
        try {
            return check(jws);
        } catch (RuntimeException e) {
            // Malformed input (IllegalArgumentException) and anything unforeseen alike: fail closed.
            return failed(Reason.MALFORMED);
        }
    }

    private FormatOutcome check(String jws) {
        if (jws.length() > MAX_JWS_CHARS) {
            return failed(Reason.MALFORMED);
        }
        String[] parts = jws.split("\\.", -1);
        if (parts.length != 3
                || !BASE64URL.matcher(parts[0]).matches()
                || !BASE64URL.matcher(parts[1]).matches()
                || !BASE64URL.matcher(parts[2]).matches()) {
            return failed(Reason.MALFORMED);
        }
        JsonNode header = Json.parse(DECODER.decode(parts[0]));
        if (!header.isObject()) {
            return failed(Reason.MALFORMED);
        }
        List<TrustedKey> candidates = byKid.getOrDefault(header.path("kid").asText(""), List.of());
        if (candidates.isEmpty()) {
            return failed(Reason.UNKNOWN_KEY);
        }

        // ES256 is the only algorithm, whatever the header says; its alg is checked once the signature holds.
        byte[] signature = DECODER.decode(parts[2]);
        byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        TrustedKey signer = null;
        for (TrustedKey candidate : candidates) {
            if (es256.verify(candidate.key(), signed, signature)) {
                signer = candidate;
                break;
            }
        }
        if (signer == null) {
            return failed(Reason.BAD_SIGNATURE);
        }
        if (!"ES256".equals(header.path("alg").asText(null))
                || !"DEF".equals(header.path("zip").asText(null))) {
            return failed(Reason.MALFORMED);
        }

        byte[] payloadBytes = BoundedInflater.raw(DECODER.decode(parts[1]), MAX_PAYLOAD_BYTES);
        if (payloadBytes.length >= 3
                && (payloadBytes[0] & 0xff) == 0xef
                && (payloadBytes[1] & 0xff) == 0xbb
                && (payloadBytes[2] & 0xff) == 0xbf) {
            // JSON exchanged between systems must not start with a byte-order mark (RFC 8259 §8.1).
            return failed(Reason.MALFORMED);
        }
        JsonNode payload = Json.parse(payloadBytes);
        if (!signer.issuer().iss().equals(payload.path("iss").asText(null))) {
            return failed(Reason.UNKNOWN_KEY);
        }
        Instant notBefore =
                epoch(payload, "nbf").orElseThrow(() -> new IllegalArgumentException("SHC payload has no nbf"));
        Optional<Instant> expires = epoch(payload, "exp");
        JsonNode vc = payload.path("vc");
        if (!containsText(vc.path("type"), HEALTH_CARD)) {
            return failed(Reason.MALFORMED);
        }
        JsonNode rid = vc.get("rid");
        if (rid != null && signer.crl().isPresent() && signer.crl().get().revokes(rid.asText(), notBefore)) {
            return failed(Reason.REVOKED);
        }
        FhirImmunizations immunizations =
                FhirImmunizations.read(vc.path("credentialSubject").path("fhirBundle"));
        String id = HexFormat.of().formatHex(Digests.sha256(jws.getBytes(StandardCharsets.US_ASCII)), 0, 16);
        return new FormatOutcome.Read(
                new PassFacts(
                        PassFormatKind.SHC,
                        signer.issuer().iss(),
                        id,
                        Optional.of(notBefore),
                        expires,
                        // Decided at the door from the evidence below, under the bundle's medical rules.
                        PassStatus.UNVACCINATED,
                        notBefore,
                        Optional.empty(),
                        immunizations.display(),
                        false),
                immunizations.evidence());
    }

    /** An SHC time: seconds since the epoch, possibly fractional. */
    private static Optional<Instant> epoch(JsonNode payload, String claim) {
        JsonNode value = payload.get(claim);
        if (value == null) {
            return Optional.empty();
        }
        double seconds = value.asDouble(Double.NaN);
        if (!value.isNumber() || !(seconds >= 0 && seconds < 253402300800d)) {
            throw new IllegalArgumentException("SHC claim " + claim + " is not a time");
        }
        long whole = (long) Math.floor(seconds);
        return Optional.of(Instant.ofEpochSecond(whole, (long) ((seconds - whole) * 1e9)));
    }

    private static boolean containsText(JsonNode array, String text) {
        for (JsonNode item : array) {
            if (text.equals(item.asText())) {
                return true;
            }
        }
        return false;
    }

    private static FormatOutcome failed(Reason reason) {
        return new FormatOutcome.Failed(reason);
    }
}
