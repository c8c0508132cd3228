package io.checkpass.core.foreign.dcc;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.codec.Cbor;
import io.checkpass.core.codec.CoseSign1;
import io.checkpass.core.crypto.Digests;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.foreign.dcc.HcertCheck.Step;
import io.checkpass.core.pass.PassStatus;
import io.checkpass.core.verify.ForeignFormat.FormatOutcome;
import io.checkpass.core.verify.PassFacts;
import io.checkpass.core.verify.PassFormatKind;
import io.checkpass.core.verify.PassWarning;
import io.checkpass.core.verify.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies the COSE layer of an EU DCC against a list of trusted signer certificates (HCERT spec §3): the key id
 * from the protected header, else the unprotected one; every certificate with that key id is tried; the signed
 * CWT must carry issued-at, expiry and the hcert claim; the verifying certificate must have been valid at
 * issued-at (it may have expired since) and its key usage must allow every kind of entry in the payload; and no
 * revocation list of the key may hold the certificate's hashes.
 *
 * <p>Strict on trust, lenient on payload: the payload is read for what it holds ({@link Dgc}), its deviations from
 * the schema are warnings on the facts, and only a payload that is not a map is MALFORMED.
 *
 * <p>Immutable and thread-safe; build one per trust bundle.
 */
public final class HcertVerifier {
    /** A COSE message inflated from a QR code is far below this; anything larger is an attack. */
    public static final int MAX_COSE_BYTES = 64 * 1024;

    private static final int MAX_HEADER_BYTES = 1024;
    private static final String CLAIM_ISS = "1";
    private static final String CLAIM_EXP = "4";
    private static final String CLAIM_IAT = "6";
    private static final String CLAIM_HCERT = "-260";
    private static final String HCERT_DGC = "1";

    private final Es256 es256;
    private final Map<ByteBuffer, List<Candidate>> byKid;
    private final DccRevocations revocations;

    /** One trusted certificate with its key ready for the algorithm it can verify. */
    private record Candidate(DccSigner signer, PublicKey key, int algorithm, Set<DccType> authorizedTypes) {}

    /** A verifier trusting {@code signers}, with no revocation lists. */
    public HcertVerifier(List<DccSigner> signers, Es256 es256) {
        this(signers, DccRevocations.none(), es256);
    }

    /** A verifier trusting {@code signers} and refusing what {@code revocations} list, as REVOKED. */
    public HcertVerifier(List<DccSigner> signers, DccRevocations revocations, Es256 es256) {
        this.es256 = es256;
        this.revocations = revocations;
        Map<ByteBuffer, List<Candidate>> index = new HashMap<>();
        for (DccSigner signer : signers) {
            candidate(signer)
                    .ifPresent(c -> index.computeIfAbsent(ByteBuffer.wrap(signer.kid()), k -> new ArrayList<>())
                            .add(c));
        }
        index.replaceAll((kid, list) -> List.copyOf(list));
        this.byKid = Map.copyOf(index);
    }

    private Optional<Candidate> candidate(DccSigner signer) {
        PublicKey key = signer.certificate().getPublicKey();
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            if (bits == 256) {
                try {
                    // The provider's own key type verifies several times faster than the certificate's SunEC key.
                    return Optional.of(new Candidate(
                            signer, es256.importPublic(ec), CoseSign1.ALG_ES256, signer.authorizedTypes()));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
            if (bits == 384 || bits == 521) {
                // Issuers have signed under alg ES256 (ECDSA with SHA-256) with a P-384 key (dgc-testdata ES 401-403).
                // ECDSA with SHA-256 over the larger curve is no weaker than over P-256, and the key is a trusted one,
                // so its signature is verified as what it is: r||s of the key's curve, with SHA-256.
                return Optional.of(new Candidate(signer, key, CoseSign1.ALG_ES256, signer.authorizedTypes()));
            }
            return Optional.empty();
        }
        if (key instanceof RSAPublicKey) {
            return Optional.of(new Candidate(signer, key, CoseSign1.ALG_PS256, signer.authorizedTypes()));
        }
        return Optional.empty();
    }

    /** Reads one scanned {@code HC1:} text: the transport layers, then every check; never throws. */
    public FormatOutcome read(String text) {
        try {
            return check(Hcert.cose(text)).outcome();
        } catch (RuntimeException e) {
            // A malformed layer (IllegalArgumentException) or anything unforeseen: fail closed.
            return new FormatOutcome.Failed(Reason.MALFORMED);
        }
    }

    /** Runs every step that its inputs allow. Never throws. */
    public HcertCheck check(byte[] cose) {
        EnumMap<Step, Optional<Reason>> steps = new EnumMap<>(Step.class);
        CoseSign1 message;
        try {
            if (cose.length > MAX_COSE_BYTES) {
                throw new IllegalArgumentException("COSE message too large");
            }
            message = CoseSign1.decode(cose, MAX_HEADER_BYTES, MAX_COSE_BYTES);
            steps.put(Step.COSE, Optional.empty());
        } catch (IllegalArgumentException e) {
            steps.put(Step.COSE, Optional.of(Reason.MALFORMED));
            return new HcertCheck(steps, null, Optional.empty(), Optional.empty(), null, null);
        }

        List<Candidate> verified = verifySignature(message, steps);

        JsonNode claims;
        JsonNode hcert;
        Instant issuedAt;
        Instant expiresAt;
        try {
            claims = Cbor.MAPPER.readTree(message.payload());
            if (claims == null || !claims.isObject()) {
                throw new IllegalArgumentException("CWT claims are not a map");
            }
            hcert = claims.path(CLAIM_HCERT).get(HCERT_DGC);
            if (hcert == null) {
                throw new IllegalArgumentException("CWT has no hcert claim");
            }
            issuedAt = instantClaim(claims, CLAIM_IAT);
            expiresAt = instantClaim(claims, CLAIM_EXP);
            steps.put(Step.CWT, Optional.empty());
        } catch (IOException | IllegalArgumentException e) {
            steps.put(Step.CWT, Optional.of(Reason.MALFORMED));
            return new HcertCheck(steps, null, Optional.empty(), Optional.empty(), null, null);
        }

        if (!verified.isEmpty()) {
            verified = verified.stream().filter(c -> covers(c, issuedAt)).toList();
            steps.put(Step.SIGNER_PERIOD, verified.isEmpty() ? Optional.of(Reason.UNKNOWN_KEY) : Optional.empty());
        }

        Dgc dgc;
        try {
            // Lenient: only a payload that is not a map cannot be read; schema deviations become warnings.
            dgc = Dgc.parse(hcert);
            steps.put(Step.PAYLOAD, Optional.empty());
        } catch (IllegalArgumentException e) {
            steps.put(Step.PAYLOAD, Optional.of(Reason.MALFORMED));
            return new HcertCheck(steps, hcert, Optional.of(issuedAt), Optional.of(expiresAt), null, null);
        }

        if (!verified.isEmpty()) {
            // Strict on trust: the key usage must allow every kind of entry the payload holds.
            boolean authorized =
                    verified.stream().anyMatch(c -> c.authorizedTypes().containsAll(dgc.types()));
            steps.put(Step.KEY_USAGE, authorized ? Optional.empty() : Optional.of(Reason.KEY_NOT_AUTHORIZED));
        }

        PassFacts facts = null;
        if (!verified.isEmpty()) {
            // iss is optional and informational (hcert §3.3.3): one that is not text is left aside, with a warning.
            JsonNode iss = claims.get(CLAIM_ISS);
            String cwtIssuer = iss != null && iss.isTextual() ? iss.asText() : "";
            String country = verified.getFirst().signer().country();
            String issuer = cwtIssuer;
            if (issuer.isBlank() || issuer.length() > 32) {
                issuer = country.isEmpty() ? dgc.country().orElse("") : country;
            }
            String id = dgc.certificateId().orElseGet(() -> signatureId(message.signature()));
            List<String> countries = new ArrayList<>(2);
            if (!cwtIssuer.isBlank()) {
                countries.add(cwtIssuer);
            }
            dgc.allOf("co").stream().filter(co -> !countries.contains(co)).forEach(countries::add);
            boolean revoked = revocations.isRevoked(
                    message.kid(), dgc.allOf("ci"), countries, message.algorithmAnywhere(), message.signature());
            steps.put(Step.REVOCATION, revoked ? Optional.of(Reason.REVOKED) : Optional.empty());
            facts = new PassFacts(
                    PassFormatKind.DCC,
                    issuer,
                    id,
                    Optional.of(issuedAt),
                    // hcert: valid up to and including exp (whole seconds); the verifier's end is exclusive.
                    Optional.of(HcertCheck.exclusiveEnd(expiresAt)),
                    // Decided at the door from dgc.evidence() under the bundle's medical rules (ForeignFormat.Read).
                    PassStatus.UNVACCINATED,
                    issuedAt,
                    Optional.empty(),
                    dgc.display(),
                    false,
                    warnings(dgc, iss),
                    dgc.statusProven());
        }
        return new HcertCheck(steps, hcert, Optional.of(issuedAt), Optional.of(expiresAt), facts, dgc);
    }

    /** Records the SIGNATURE step; returns the candidates whose key verified the signature. */
    private List<Candidate> verifySignature(CoseSign1 message, EnumMap<Step, Optional<Reason>> steps) {
        int alg = message.algorithmAnywhere();
        if (alg != CoseSign1.ALG_ES256 && alg != CoseSign1.ALG_PS256) {
            steps.put(Step.SIGNATURE, Optional.of(Reason.MALFORMED));
            return List.of();
        }
        byte[] kid = message.kid();
        List<Candidate> candidates = kid == null ? List.of() : byKid.getOrDefault(ByteBuffer.wrap(kid), List.of());
        if (candidates.isEmpty()) {
            steps.put(Step.SIGNATURE, Optional.of(Reason.UNKNOWN_KEY));
            return List.of();
        }
        byte[] toBeSigned = message.toBeSigned(new byte[0]);
        List<Candidate> verified = new ArrayList<>(1);
        for (Candidate candidate : candidates) {
            if (candidate.algorithm() == alg && verifies(candidate, toBeSigned, message.signature())) {
                verified.add(candidate);
            }
        }
        steps.put(Step.SIGNATURE, verified.isEmpty() ? Optional.of(Reason.BAD_SIGNATURE) : Optional.empty());
        return verified;
    }

    private boolean verifies(Candidate candidate, byte[] toBeSigned, byte[] signature) {
        if (candidate.algorithm() == CoseSign1.ALG_PS256) {
            return Ps256.verify(es256.provider(), candidate.key(), toBeSigned, signature);
        }
        if (candidate.key() instanceof ECPublicKey ec
                && ec.getParams().getCurve().getField().getFieldSize() != 256) {
            return ecdsaSha256(ec, toBeSigned, signature);
        }
        return es256.verify(candidate.key(), toBeSigned, signature);
    }

    /** ECDSA with SHA-256 over the key's own curve, the signature as raw r||s of that curve's size; fails closed. */
    private static boolean ecdsaSha256(ECPublicKey key, byte[] message, byte[] signature) {
        int size = (key.getParams().getCurve().getField().getFieldSize() + 7) / 8;
        if (signature.length != 2 * size) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** The payload's warnings, and the CWT's. */
    private static List<PassWarning> warnings(Dgc dgc, JsonNode iss) {
        if (iss == null || iss.isTextual()) {
            return dgc.warnings();
        }
        List<PassWarning> all = new ArrayList<>(dgc.warnings());
        all.add(new PassWarning("cwt.iss", "not text; left aside"));
        return all;
    }

    /** A pass id for a certificate without {@code ci}: the first 16 bytes of SHA-256 of its signature, in hex. */
    private static String signatureId(byte[] signature) {
        return "sig:" + HexFormat.of().formatHex(Arrays.copyOf(Digests.sha256(signature), 16));
    }

    private static boolean covers(Candidate candidate, Instant issuedAt) {
        return certificateCovers(candidate.signer().certificate(), issuedAt);
    }

    /** Whether the certificate was valid at {@code issuedAt}: a signer key signs only within its certificate's period. */
    public static boolean certificateCovers(X509Certificate certificate, Instant issuedAt) {
        Date at = Date.from(issuedAt);
        return !at.before(certificate.getNotBefore()) && !at.after(certificate.getNotAfter());
    }

    private static Instant instantClaim(JsonNode claims, String key) {
        JsonNode value = claims.get(key);
        if (value == null || !value.isNumber()) {
            throw new IllegalArgumentException("CWT claim " + key + " is missing or not a number");
        }
        double seconds = value.asDouble();
        if (!(seconds >= 0 && seconds < 253402300800d)) {
            throw new IllegalArgumentException("CWT claim " + key + " is out of range");
        }
        return Instant.ofEpochSecond((long) seconds);
    }
}
