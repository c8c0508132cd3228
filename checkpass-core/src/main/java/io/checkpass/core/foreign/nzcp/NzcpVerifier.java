package io.checkpass.core.foreign.nzcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import io.checkpass.core.codec.Base32;
import io.checkpass.core.codec.Cbor;
import io.checkpass.core.codec.CoseSign1;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.foreign.EcJwk;
import io.checkpass.core.pass.DisplayHint;
import io.checkpass.core.pass.PassStatus;
import io.checkpass.core.verify.ForeignEvidence;
import io.checkpass.core.verify.ForeignFormat.FormatOutcome;
import io.checkpass.core.verify.PassFacts;
import io.checkpass.core.verify.PassFormatKind;
import io.checkpass.core.verify.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Verifies NZ COVID Passes (NZCP spec v1): {@code NZCP:/1/} + Base32 (RFC 4648, no padding) of a COSE_Sign1 (ES256,
 * {@code kid} in the protected header) over CWT claims with a W3C verifiable credential of type
 * {@code PublicCovidPass}. The key is the issuer DID document's verification method {@code iss#kid}, which must be
 * an assertion method. A valid pass proves its holder's year of birth and a status under New Zealand's rules, which
 * Korea's cannot check ({@link #STATUS_ONLY}).
 *
 * <p>Immutable and thread-safe; build one per trust bundle.
 */
public final class NzcpVerifier {
    public static final String PREFIX = "NZCP:/1/";
    /** A pass is about 400 characters; the spec's limit for the whole QR payload is far below this. */
    public static final int MAX_TEXT_CHARS = 2048;

    /**
     * Why an NZ COVID Pass proves less than Korea's rules need: it states "vaccinated" under New Zealand's rules, with
     * no product, dose or date, so the 14 days after the primary series and the 180 days of validity cannot be
     * checked. The door counts only the holder's year of birth (the minor rule); venues refuse it with
     * STATUS_NOT_PROVEN, or admit it as they would an unvaccinated holder (docs/foreign-passes.md §3).
     */
    static final String STATUS_ONLY =
            "an NZ COVID Pass states a status under New Zealand's rules, not the doses and dates Korea's rules need";

    private static final String CREDENTIALS_CONTEXT = "https://www.w3.org/2018/credentials/v1";

    private final Es256 es256;
    private final Map<String, Map<String, ECPublicKey>> keysByIssuer;

    public NzcpVerifier(Iterable<NzcpIssuer> issuers, Es256 es256) {
        this.es256 = es256;
        Map<String, Map<String, ECPublicKey>> index = new HashMap<>();
        for (NzcpIssuer issuer : issuers) {
            Map<String, ECPublicKey> keys = new HashMap<>();
            for (Map.Entry<String, EcJwk> key : issuer.keys().entrySet()) {
                keys.put(key.getKey(), key.getValue().publicKey(es256));
            }
            index.merge(issuer.did(), Map.copyOf(keys), (a, b) -> b);
        }
        this.keysByIssuer = Map.copyOf(index);
    }

    /** Reads one scanned {@code NZCP:/1/} text; never throws. */
    public FormatOutcome read(String text) {
        try {
            return check(text);
        } catch (RuntimeException e) {
            // Malformed input (IllegalArgumentException) and anything unforeseen alike: fail closed.
            return failed(Reason.MALFORMED);
        }
    }

    private FormatOutcome check(String text) {
        if (!text.startsWith(PREFIX) || text.length() > MAX_TEXT_CHARS) {
            return failed(Reason.MALFORMED);
        }
        CoseSign1 cose = CoseSign1.decode(Base32.decode(text, PREFIX.length(), text.length()), 256, MAX_TEXT_CHARS);
        if (cose.algorithm() != CoseSign1.ALG_ES256) {
            return failed(Reason.MALFORMED);
        }
        if (cose.protectedKid() == null) {
            return failed(Reason.UNKNOWN_KEY);
        }
        JsonNode claims = claims(cose.payload());
        Map<String, ECPublicKey> keys = keysByIssuer.get(claims.path("1").asText(""));
        ECPublicKey key = keys == null ? null : keys.get(new String(cose.protectedKid(), StandardCharsets.UTF_8));
        if (key == null) {
            return failed(Reason.UNKNOWN_KEY);
        }
        if (!es256.verify(key, cose.toBeSigned(new byte[0]), cose.signature())) {
            return failed(Reason.BAD_SIGNATURE);
        }

        Instant notBefore = epoch(claims, "5");
        Instant expires = epoch(claims, "4");
        if (!(claims.get("7") instanceof BinaryNode cti) || cti.binaryValue().length != 16) {
            return failed(Reason.MALFORMED);
        }
        JsonNode vc = claims.path("vc");
        if (!CREDENTIALS_CONTEXT.equals(vc.path("@context").path(0).asText())
                || !"1.0.0".equals(vc.path("version").asText())
                || !"VerifiableCredential".equals(vc.path("type").path(0).asText())
                || !"PublicCovidPass".equals(vc.path("type").path(1).asText())) {
            return failed(Reason.MALFORMED);
        }
        JsonNode subject = vc.path("credentialSubject");
        String given = subject.path("givenName").asText("");
        String dob = subject.path("dob").asText("");
        if (given.isBlank() || dob.isBlank()) {
            return failed(Reason.MALFORMED);
        }
        int birthYear = LocalDate.parse(dob).getYear();
        String name = (given + " " + subject.path("familyName").asText("")).strip();
        Optional<DisplayHint> display = birthYear >= 1900 && birthYear <= 2100
                ? Optional.of(DisplayHint.of(name, birthYear))
                : Optional.empty();
        ByteBuffer uuid = ByteBuffer.wrap(cti.binaryValue());
        String jti = "urn:uuid:" + new UUID(uuid.getLong(), uuid.getLong());
        return new FormatOutcome.Read(
                new PassFacts(
                        PassFormatKind.NZCP,
                        claims.path("1").asText(),
                        jti,
                        Optional.of(notBefore),
                        Optional.of(expires),
                        // Decided at the door from the evidence below, under the bundle's medical rules.
                        PassStatus.UNVACCINATED,
                        notBefore,
                        Optional.empty(),
                        display,
                        false),
                ForeignEvidence.statusOnly(Optional.of(birthYear), STATUS_ONLY));
    }

    private static JsonNode claims(byte[] payload) {
        try {
            JsonNode claims = Cbor.MAPPER.readTree(payload);
            if (claims == null || !claims.isObject()) {
                throw new IllegalArgumentException("CWT claims are not a map");
            }
            return claims;
        } catch (IOException e) {
            throw new IllegalArgumentException("CWT claims are not CBOR", e);
        }
    }

    private static Instant epoch(JsonNode claims, String key) {
        JsonNode value = claims.get(key);
        if (value == null || !value.isIntegralNumber() || value.asLong() < 0) {
            throw new IllegalArgumentException("CWT claim " + key + " is missing or not a time");
        }
        return Instant.ofEpochSecond(value.asLong());
    }

    private static FormatOutcome failed(Reason reason) {
        return new FormatOutcome.Failed(reason);
    }
}
