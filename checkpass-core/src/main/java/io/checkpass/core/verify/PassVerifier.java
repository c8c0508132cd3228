package io.checkpass.core.verify;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.checkpass.core.codec.Base45;
import io.checkpass.core.codec.CoseSign1;
import io.checkpass.core.codec.DefiniteLengths;
import io.checkpass.core.crypto.Digests;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.crypto.KeyId;
import io.checkpass.core.pass.Credentials;
import io.checkpass.core.pass.PassClaims;
import io.checkpass.core.pass.PassFormat;
import io.checkpass.core.pass.PassStatus;
import io.checkpass.core.pass.Presentation;
import io.checkpass.core.rules.MedicalRules;
import io.checkpass.core.rules.VenueDecision;
import io.checkpass.core.rules.VenueType;
import io.checkpass.core.status.StatusEngine;
import io.checkpass.core.trust.IssuerKey;
import io.checkpass.core.trust.TrustBundle;
import io.checkpass.core.verify.ForeignFormat.FormatOutcome;
import io.checkpass.core.verify.VerificationResult.Admitted;
import io.checkpass.core.verify.VerificationResult.AdmittedDuringGuidance;
import io.checkpass.core.verify.VerificationResult.AdmittedLimited;
import io.checkpass.core.verify.VerificationResult.Denied;
import io.checkpass.core.verify.VerificationResult.IdCheckRequired;
import java.nio.ByteBuffer;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges a presented pass at the door, offline, against a trust bundle (docs/pass-format.md §5). The whole native pipeline
 * is {@link #verifyNative} and reads top to bottom in the order of docs/pass-format.md §5; the first check that
 * fails decides the reason.
 *
 * <p>One verifier serves one scanner (or one API client): its replay memory is what flags a QR shown twice.
 * It is thread-safe; {@link #install} swaps in a newer bundle atomically and keeps the replay memory.
 *
 * <p>Verification never throws: every input, however hostile, ends in a {@link VerificationResult}.
 */
public final class PassVerifier {
    private static final Logger log = LoggerFactory.getLogger(PassVerifier.class);

    private final Es256 es256;
    private final Clock clock;
    private final VerifierPolicy policy;
    private final List<ForeignFormat> foreignFormats;
    private final ReplayGuard replays;
    private volatile BundleState state;

    /** What is derived from one bundle; replaced as a whole when a new bundle is installed. */
    private record BundleState(
            TrustBundle bundle,
            Map<KeyId, IssuerKey> keys,
            Cache<CredentialHash, CheckedCredential> signatures,
            Map<String, ForeignFormat.Reader> foreignReaders,
            Optional<StatusEngine> foreignStatus) {}

    /** A credential whose issuer signature verified, kept so the next presentation skips that work. */
    private record CheckedCredential(PassClaims claims, PassFacts facts) {}

    /** The full SHA-256 of the credential bytes, as four longs for cheap hashing. */
    private record CredentialHash(long a, long b, long c, long d) {
        static CredentialHash of(byte[] sha256) {
            ByteBuffer buffer = ByteBuffer.wrap(sha256);
            return new CredentialHash(buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong());
        }
    }

    public PassVerifier(TrustBundle bundle, Es256 es256, Clock clock) {
        this(bundle, es256, clock, VerifierPolicy.DEFAULT, List.of());
    }

    public PassVerifier(
            TrustBundle bundle, Es256 es256, Clock clock, VerifierPolicy policy, List<ForeignFormat> foreignFormats) {
        this.es256 = Objects.requireNonNull(es256, "es256");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.foreignFormats = List.copyOf(foreignFormats);
        this.replays = new ReplayGuard(
                policy.replayCacheSize(), policy.maxPresentationAge().plus(policy.clockSkew()), clock);
        install(bundle);
    }

    /** Starts using a newer bundle. Issuer-signature results are forgotten (keys may have changed); replays are not. */
    public void install(TrustBundle bundle) {
        Objects.requireNonNull(bundle, "bundle");
        Map<String, ForeignFormat.Reader> readers = new LinkedHashMap<>();
        for (ForeignFormat format : foreignFormats) {
            readers.put(format.prefix(), format.reader(bundle));
        }
        Cache<CredentialHash, CheckedCredential> cache = Caffeine.newBuilder()
                .maximumSize(policy.signatureCacheSize())
                .executor(Runnable::run)
                .build();
        state = new BundleState(
                bundle,
                bundle.issuerKeysById(),
                cache,
                Map.copyOf(readers),
                bundle.medicalRules().map(StatusEngine::new));
    }

    public TrustBundle bundle() {
        return state.bundle();
    }

    /**
     * Verifies a presented pass for a venue type at the clock's current instant.
     *
     * @param text      the QR text as scanned
     * @param venueType where it is presented
     */
    public VerificationResult verify(String text, VenueType venueType) {
        Objects.requireNonNull(venueType, "venueType");
        Instant now = clock.instant();
        BundleState current = state;
        try {
            // 1. Bound the size, then dispatch on the prefix.
            if (text == null || text.length() > ForeignFormat.MAX_TEXT_CHARS) {
                return Denied.because(Reason.MALFORMED);
            }
            if (text.startsWith(PassFormat.PREFIX)) {
                if (text.length() > PassFormat.MAX_TEXT_CHARS) {
                    return Denied.because(Reason.MALFORMED);
                }
                return verifyNative(text, venueType, now, current);
            }
            for (var reader : current.foreignReaders().entrySet()) {
                if (text.startsWith(reader.getKey())) {
                    return verifyForeign(reader.getValue(), text, venueType, now, current);
                }
            }
            return Denied.because(Reason.UNSUPPORTED_FORMAT);
        } catch (RuntimeException | StackOverflowError e) {
            // Every expected failure is a typed reason above; reaching here is a bug. Fail closed and say so.
            log.warn("verifier failed unexpectedly on a {}-char input; denying as MALFORMED", text.length(), e);
            return Denied.because(Reason.MALFORMED);
        }
    }

    private VerificationResult verifyNative(String text, VenueType venueType, Instant now, BundleState current) {
        // 2. Decode, within hard limits.
        Presentation presentation;
        try {
            byte[] bytes = Base45.decode(text, PassFormat.PREFIX.length(), text.length());
            if (bytes.length > PassFormat.MAX_PRESENTATION_BYTES) {
                return Denied.because(Reason.MALFORMED);
            }
            DefiniteLengths.check(bytes);
            presentation = Presentation.decode(bytes);
        } catch (IllegalArgumentException e) {
            return Denied.because(Reason.MALFORMED);
        }

        // 3. Issuer signature, remembered by credential hash.
        byte[] credentialHash = Digests.sha256(presentation.credential());
        CredentialHash cacheKey = CredentialHash.of(credentialHash);
        CheckedCredential checked = current.signatures().getIfPresent(cacheKey);
        if (checked == null) {
            IssuerCheck outcome = checkIssuerSignature(presentation.credential(), current);
            if (outcome.failure() != null) {
                return Denied.because(outcome.failure());
            }
            checked = outcome.credential();
            current.signatures().put(cacheKey, checked);
        }
        PassClaims claims = checked.claims();

        // 4. The credential's own validity.
        Denied invalid = checkValidity(checked.facts(), now);
        if (invalid != null) {
            return invalid;
        }

        // 5. Revocation.
        if (current.bundle().isRevoked(claims.serial())) {
            return Denied.because(Reason.REVOKED);
        }

        // 6. Device proof: fresh, signed by the key in the credential, not seen before.
        Optional<Instant> presentedAt = Optional.empty();
        if (claims.deviceBound()) {
            if (!presentation.hasDeviceProof()) {
                return Denied.because(Reason.BAD_DEVICE_PROOF);
            }
            long age = now.getEpochSecond() - presentation.timestamp();
            if (-age > policy.clockSkew().toSeconds()) {
                return Denied.because(Reason.FUTURE_PRESENTATION);
            }
            if (age > policy.maxPresentationAge().toSeconds()) {
                return Denied.because(Reason.STALE_PRESENTATION);
            }
            ECPublicKey deviceKey = claims.deviceKey().orElseThrow();
            byte[] signed = Presentation.deviceSigningInput(credentialHash, presentation.timestamp());
            if (!es256.verify(deviceKey, signed, presentation.deviceSignature())) {
                return Denied.because(Reason.BAD_DEVICE_PROOF);
            }
            if (!replays.firstSighting(claims.serial(), presentation.timestamp())) {
                return Denied.because(Reason.REPLAYED);
            }
            presentedAt = Optional.of(Instant.ofEpochSecond(presentation.timestamp()));
        } else if (presentation.hasDeviceProof()) {
            // A proof with no key to check it against: not something our wallets make.
            return Denied.because(Reason.BAD_DEVICE_PROOF);
        }

        // 7. The venue rules in force now.
        return decideAtVenue(new VerifiedPass(checked.facts(), presentedAt), venueType, now, current);
    }

    /** Either a checked credential or the reason it failed. */
    private record IssuerCheck(CheckedCredential credential, Reason failure) {
        static IssuerCheck failed(Reason reason) {
            return new IssuerCheck(null, reason);
        }
    }

    private IssuerCheck checkIssuerSignature(byte[] credential, BundleState current) {
        CoseSign1 cose;
        try {
            DefiniteLengths.check(credential);
            cose = CoseSign1.decode(credential, PassFormat.MAX_PROTECTED_HEADER_BYTES, PassFormat.MAX_CREDENTIAL_BYTES);
            DefiniteLengths.check(cose.protectedBytes());
        } catch (IllegalArgumentException e) {
            return IssuerCheck.failed(Reason.MALFORMED);
        }
        if (cose.algorithm() != CoseSign1.ALG_ES256 || cose.protectedKid() == null || cose.protectedKid().length != 8) {
            return IssuerCheck.failed(Reason.MALFORMED);
        }
        KeyId kid = KeyId.fromBytes(cose.protectedKid());
        if (current.bundle().isKeyRevoked(kid)) {
            return IssuerCheck.failed(Reason.ISSUER_KEY_REVOKED);
        }
        IssuerKey key = current.keys().get(kid);
        if (key == null) {
            return IssuerCheck.failed(Reason.UNKNOWN_KEY);
        }
        if (!es256.verify(key.publicKey(), cose.toBeSigned(PassFormat.CREDENTIAL_AAD), cose.signature())) {
            return IssuerCheck.failed(Reason.BAD_SIGNATURE);
        }
        PassClaims claims;
        try {
            DefiniteLengths.check(cose.payload());
            claims = Credentials.decodeClaims(cose.payload(), es256);
        } catch (IllegalArgumentException e) {
            return IssuerCheck.failed(Reason.MALFORMED);
        }
        if (!key.covers(claims.issuedAt())) {
            // The key exists but was not valid when this credential claims to have been issued.
            return IssuerCheck.failed(Reason.UNKNOWN_KEY);
        }
        PassFacts facts = new PassFacts(
                PassFormatKind.CP1,
                key.issuer(),
                claims.serial().hex(),
                Optional.of(claims.issuedAt()),
                Optional.of(claims.expiresAt()),
                claims.status(),
                claims.statusValidFrom(),
                claims.statusValidUntil(),
                Optional.of(claims.display()),
                claims.deviceBound());
        return new IssuerCheck(new CheckedCredential(claims, facts), null);
    }

    private VerificationResult verifyForeign(
            ForeignFormat.Reader reader, String text, VenueType venueType, Instant now, BundleState current) {
        return switch (reader.read(text, now)) {
            case FormatOutcome.Failed failed ->
                Denied.because(failed.reason().admitting() ? Reason.MALFORMED : failed.reason());
            case FormatOutcome.Read read -> {
                Denied invalid = checkValidity(read.facts(), now);
                if (invalid != null) {
                    yield invalid;
                }
                PassFacts facts = read.facts();
                if (read.evidence().isPresent()) {
                    Optional<PassFacts> judged =
                            judgeStatus(facts, read.evidence().get(), now, current);
                    if (judged.isEmpty()) {
                        yield Denied.because(Reason.NO_MEDICAL_RULES);
                    }
                    facts = judged.get();
                }
                VerificationResult decided =
                        decideAtVenue(new VerifiedPass(facts, Optional.empty()), venueType, now, current);
                // A genuine pass that proves no usable status reads as UNVACCINATED; say why it is refused.
                yield !facts.statusProven()
                                && decided instanceof Denied denied
                                && denied.reason() == Reason.NOT_ACCEPTED_HERE
                        ? new Denied(Reason.STATUS_NOT_PROVEN, denied.pass())
                        : decided;
            }
        };
    }

    /**
     * A foreign pass's status under the bundle's medical rules at {@code now}: the status engine decides on what the
     * pass proves, as it does on a registry record, so Korea's rules apply and not the issuing country's. Empty when
     * the bundle has no medical rules, or none in force at {@code now}.
     */
    private static Optional<PassFacts> judgeStatus(
            PassFacts read, ForeignEvidence evidence, Instant now, BundleState current) {
        if (current.foreignStatus().isEmpty()) {
            return Optional.empty();
        }
        MedicalRules rules = current.bundle().medicalRules().orElseThrow();
        ForeignEvidence.Mapped mapped = evidence.healthRecord(rules.vaccineProducts());
        return current.foreignStatus()
                .get()
                .decideAtDoor(mapped.record(), now)
                .map(d -> new PassFacts(
                        read.format(),
                        read.issuer(),
                        read.id(),
                        read.issuedAt(),
                        read.expiresAt(),
                        d.status(),
                        d.validFrom(),
                        d.validUntil(),
                        read.display(),
                        read.deviceBound(),
                        read.warnings(),
                        read.statusProven() && mapped.unproven().isEmpty()));
    }

    /** Step 4: issued-at not in the future (beyond skew), credential not expired. Null when valid. */
    private Denied checkValidity(PassFacts facts, Instant now) {
        return CredentialValidity.check(facts.issuedAt(), facts.expiresAt(), now, policy.clockSkew())
                .map(Denied::because)
                .orElse(null);
    }

    /**
     * Step 7. A status outside its window counts as unvaccinated: a holder whose vaccination lapsed may still eat
     * alone where the rules allow that, and is told why when they may not.
     */
    private VerificationResult decideAtVenue(VerifiedPass pass, VenueType venueType, Instant now, BundleState current) {
        boolean statusHolds = pass.statusHoldsAt(now);
        PassStatus effective = statusHolds ? pass.status() : PassStatus.UNVACCINATED;
        boolean lapsed =
                !statusHolds && pass.status() != PassStatus.UNVACCINATED && !now.isBefore(pass.statusValidFrom());
        VenueDecision decision = current.bundle().venueRules().decide(venueType, effective, lapsed, now);
        return switch (decision) {
            case VenueDecision.NotRequired ignored -> new Admitted(pass, Reason.PASS_NOT_REQUIRED);
            case VenueDecision.Admit ignored ->
                pass.deviceBound() ? new Admitted(pass, Reason.VALID) : new IdCheckRequired(pass, Optional.empty());
            case VenueDecision.AdmitWithCondition conditional ->
                pass.deviceBound()
                        ? new AdmittedLimited(pass, conditional.condition())
                        : new IdCheckRequired(pass, Optional.of(conditional.condition()));
            case VenueDecision.AdmitDuringGuidance guidance ->
                new AdmittedDuringGuidance(pass, guidance.notice(), guidance.enforcedFrom());
            case VenueDecision.NotAccepted ignored -> {
                Reason reason = statusHolds || pass.status() == PassStatus.UNVACCINATED
                        ? Reason.NOT_ACCEPTED_HERE
                        : now.isBefore(pass.statusValidFrom()) ? Reason.NOT_YET_VALID : Reason.STATUS_EXPIRED;
                yield new Denied(reason, Optional.of(pass));
            }
        };
    }
}
