package io.checkpass.core.foreign.dcc;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.codec.Cbor;
import io.checkpass.core.codec.CoseSign1;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.foreign.dcc.HcertCheck.Step;
import io.checkpass.core.pass.PassStatus;
import io.checkpass.core.verify.ForeignFormat.FormatOutcome;
import io.checkpass.core.verify.PassFacts;
import io.checkpass.core.verify.PassFormatKind;
import io.checkpass.core.verify.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies the COSE layer of an EU DCC against a list of trusted signer certificates (HCERT spec §3): the key id
 * from the protected header, else the unprotected one; every certificate with that key id is tried; the signed
 * CWT must carry issued-at, expiry and the hcert claim; the verifying certificate must have been valid at
 * issued-at and its key usage must allow the certificate type.
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

    /** One trusted certificate with its key ready for the algorithm it can verify. */
    private record Candidate(DccSigner signer, PublicKey key, int algorithm, Set<DccType> authorizedTypes) {}

    public HcertVerifier(List<DccSigner> signers, Es256 es256) {
        this.es256 = es256;
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
        if (key instanceof ECPublicKey ec
                && ec.getParams().getCurve().getField().getFieldSize() == 256) {
            try {
                // The provider's own key type verifies several times faster than the certificate's SunEC key.
                return Optional.of(
                        new Candidate(signer, es256.importPublic(ec), CoseSign1.ALG_ES256, signer.authorizedTypes()));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
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
            return new HcertCheck(steps, null, Optional.empty(), Optional.empty(), null);
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
            JsonNode iss = claims.get(CLAIM_ISS);
            if (iss != null && !iss.isTextual()) {
                throw new IllegalArgumentException("CWT issuer is not text");
            }
            steps.put(Step.CWT, Optional.empty());
        } catch (IOException | IllegalArgumentException e) {
            steps.put(Step.CWT, Optional.of(Reason.MALFORMED));
            return new HcertCheck(steps, null, Optional.empty(), Optional.empty(), null);
        }

        if (!verified.isEmpty()) {
            verified = verified.stream().filter(c -> covers(c, issuedAt)).toList();
            steps.put(Step.SIGNER_PERIOD, verified.isEmpty() ? Optional.of(Reason.UNKNOWN_KEY) : Optional.empty());
        }

        Dgc dgc;
        try {
            dgc = Dgc.parse(hcert);
            steps.put(Step.PAYLOAD, Optional.empty());
        } catch (IllegalArgumentException e) {
            steps.put(Step.PAYLOAD, Optional.of(Reason.MALFORMED));
            return new HcertCheck(steps, hcert, Optional.of(issuedAt), Optional.of(expiresAt), null);
        }

        if (!verified.isEmpty()) {
            boolean authorized =
                    verified.stream().anyMatch(c -> c.authorizedTypes().contains(dgc.type()));
            steps.put(Step.KEY_USAGE, authorized ? Optional.empty() : Optional.of(Reason.KEY_NOT_AUTHORIZED));
        }

        PassFacts facts = null;
        if (!verified.isEmpty()) {
            String issuer = claims.path(CLAIM_ISS).asText("");
            if (issuer.isBlank() || issuer.length() > 32) {
                issuer = verified.getFirst().signer().country().isEmpty()
                        ? dgc.country()
                        : verified.getFirst().signer().country();
            }
            PassStatus status = dgc.status();
            facts = new PassFacts(
                    PassFormatKind.DCC,
                    issuer,
                    dgc.certificateId(),
                    Optional.of(issuedAt),
                    Optional.of(expiresAt),
                    status,
                    dgc.statusValidFrom(),
                    dgc.statusValidUntil(),
                    dgc.display(),
                    false);
        }
        return new HcertCheck(steps, hcert, Optional.of(issuedAt), Optional.of(expiresAt), facts);
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
        return candidate.algorithm() == CoseSign1.ALG_ES256
                ? es256.verify(candidate.key(), toBeSigned, signature)
                : Ps256.verify(es256.provider(), candidate.key(), toBeSigned, signature);
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
