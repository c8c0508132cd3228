package io.checkpass.conformance.vectors;

import io.checkpass.core.codec.Base45;
import io.checkpass.core.codec.CborWriter;
import io.checkpass.core.codec.CoseSign1;
import io.checkpass.core.crypto.EcPoints;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.crypto.KeyStores;
import io.checkpass.core.crypto.SigningKey;
import io.checkpass.core.foreign.ForeignFormats;
import io.checkpass.core.pass.Credentials;
import io.checkpass.core.pass.DisplayHint;
import io.checkpass.core.pass.HolderDevice;
import io.checkpass.core.pass.PassClaims;
import io.checkpass.core.pass.PassFormat;
import io.checkpass.core.pass.PassIssuer;
import io.checkpass.core.pass.PassStatus;
import io.checkpass.core.pass.Presentation;
import io.checkpass.core.pass.Serial;
import io.checkpass.core.rules.MedicalRules;
import io.checkpass.core.rules.VenueRules;
import io.checkpass.core.rules.VenueType;
import io.checkpass.core.trust.IssuerKey;
import io.checkpass.core.trust.TrustBundle;
import io.checkpass.core.trust.TrustBundleException;
import io.checkpass.core.trust.TrustBundles;
import io.checkpass.core.verify.PassVerifier;
import io.checkpass.core.verify.Reason;
import io.checkpass.core.verify.Verdict;
import io.checkpass.core.verify.VerificationResult;
import io.checkpass.core.verify.VerifierPolicy;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The conformance vectors of the native verifier (docs/pass-format.md §5): every reason code, every venue-rule
 * switch a second before and at, and the size edges, each with the verdict and reason it is <em>meant</em> to
 * get; and the foreign passes of {@link ForeignVectors} (EU DCC, SHC, NZCP), whose trust the main bundle carries. Other implementations (the scanner page's JavaScript verifier first) must reach the same results.
 *
 * <p>The intent is written here by hand, case by case; {@link #mismatches} then runs the Java verifier over
 * every case, so the vectors are made by running it but a wrong Java verifier cannot bless itself.
 *
 * <p>Keys and serials are fresh on every run (ECDSA signatures are randomised anyway): the files are a
 * consistent set, not a fixed one.
 */
public final class NativeVectors {
    /** The main bundle: the issuer key, one revoked serial, the Korean venue rules. */
    public static final String MAIN_BUNDLE = "bundle.cose";
    /** The issuer key rotated out: a newer key only, so credentials of the first key are unknown. */
    public static final String ROTATED_BUNDLE = "bundle-rotated.cose";
    /**
     * After a compromise drill: the first issuer key revoked (listed under revokedKeys, gone from issuerKeys), the
     * rotated key in its place.
     */
    public static final String REVOKED_KEY_BUNDLE = "bundle-revoked-key.cose";
    /** Signed by another bundle key than the anchor: a verifier must refuse to load it. */
    public static final String FOREIGN_SIGNER_BUNDLE = "bundle-other-signer.cose";
    /**
     * The main bundle as made before bundles carried medical rules: it loads, native passes verify as before, and
     * every foreign pass is refused with NO_MEDICAL_RULES.
     */
    public static final String NO_MEDICAL_RULES_BUNDLE = "bundle-no-medical-rules.cose";
    /** The main bundle with one byte of its payload changed: its signature fails. */
    public static final String TAMPERED_BUNDLE = "bundle-tampered.cose";

    static final Instant KEY_FROM = Instant.parse("2021-01-01T00:00:00Z");
    static final Instant KEY_UNTIL = Instant.parse("2030-01-01T00:00:00Z");
    /** 13 December 2021, 12:00 KST: the first lunch with fines. */
    static final Instant LUNCH = kst(2021, 12, 13, 12, 0, 0);

    static final Duration LIFETIME = Duration.ofHours(48);
    static final String RESTAURANT = "restaurant_cafe";
    static final String KARAOKE = "karaoke";

    /** What a step is meant to get. */
    public record Expect(Verdict verdict, Reason reason, Optional<String> condition) {
        static Expect of(Verdict verdict, Reason reason) {
            return new Expect(verdict, reason, Optional.empty());
        }

        Expect because(String conditionId) {
            return new Expect(verdict, reason, Optional.of(conditionId));
        }
    }

    /** One presentation at one instant. */
    public record Step(String text, Instant at, Expect expect) {}

    /** One case: its steps share one replay memory, fresh for the case. */
    public record Case(String name, String bundle, String venueType, List<Step> steps) {}

    /** A bundle a verifier must load or refuse, against the anchor. */
    public record BundleCheck(String bundle, boolean accepted) {}

    /** The whole set: cases, signed bundles by file name, the anchor (bundle key). */
    public record Generated(
            List<Case> cases, Map<String, byte[]> bundles, List<BundleCheck> bundleChecks, ECPublicKey anchor) {}

    private final Es256 es256;
    private final SecureRandom random;
    private final SigningKey issuer;
    private final SigningKey rogueIssuer;
    private final SigningKey rotatedIssuer;
    private final SigningKey bundleKey;
    private final SigningKey otherBundleKey;
    private final KeyPair device;
    private final KeyPair otherDevice;
    private final PassIssuer passIssuer;
    private final Serial revoked;
    private final ForeignVectors foreign;
    private final List<Case> cases = new ArrayList<>();

    private NativeVectors(Es256 es256, SecureRandom random) {
        this.es256 = es256;
        this.random = random;
        this.issuer = KeyStores.generate(es256, "checkpass vectors issuer", KEY_FROM, KEY_UNTIL);
        this.rogueIssuer = KeyStores.generate(es256, "not in any bundle", KEY_FROM, KEY_UNTIL);
        this.rotatedIssuer = KeyStores.generate(es256, "checkpass vectors issuer 2", KEY_FROM, KEY_UNTIL);
        this.bundleKey = KeyStores.generate(es256, "checkpass vectors bundle", KEY_FROM, KEY_UNTIL);
        this.otherBundleKey = KeyStores.generate(es256, "another bundle key", KEY_FROM, KEY_UNTIL);
        this.device = es256.generateKeyPair();
        this.otherDevice = es256.generateKeyPair();
        this.passIssuer = new PassIssuer(issuer, es256, random);
        this.revoked = Serial.random(random);
        this.foreign = new ForeignVectors(es256, random, LUNCH, MAIN_BUNDLE);
    }

    /** Makes the full set with fresh keys. */
    public static Generated generate(Es256 es256, SecureRandom random) {
        NativeVectors v = new NativeVectors(es256, random);
        v.reasons();
        v.ruleSwitches();
        v.sizes();
        v.cases.addAll(v.foreign.cases());
        return new Generated(
                List.copyOf(v.cases),
                v.bundles(),
                List.of(
                        new BundleCheck(MAIN_BUNDLE, true),
                        new BundleCheck(ROTATED_BUNDLE, true),
                        new BundleCheck(REVOKED_KEY_BUNDLE, true),
                        new BundleCheck(NO_MEDICAL_RULES_BUNDLE, true),
                        new BundleCheck(FOREIGN_SIGNER_BUNDLE, false),
                        new BundleCheck(TAMPERED_BUNDLE, false)),
                v.bundleKey.publicKey());
    }

    /** What the Java verifier said at one step. */
    public record Outcome(Case testCase, int step, VerificationResult result) {
        Expect got() {
            return new Expect(
                    result.verdict(), result.reason(), result.condition().map(c -> c.id()));
        }
    }

    /** The bundles that load against the anchor, by file name; refused ones are absent. */
    public static Map<String, TrustBundle> openBundles(Generated generated, Es256 es256) {
        Map<String, TrustBundle> opened = new LinkedHashMap<>();
        for (BundleCheck check : generated.bundleChecks()) {
            try {
                opened.put(
                        check.bundle(),
                        TrustBundles.open(
                                        generated.bundles().get(check.bundle()), Optional.of(generated.anchor()), es256)
                                .bundle());
            } catch (TrustBundleException e) {
                // refused: absent from the map, which is what a BundleCheck with accepted = false expects
            }
        }
        return opened;
    }

    /** Runs the Java verifier over every case: a fresh verifier per case, its clock at each step's instant. */
    public static List<Outcome> run(Generated generated, Es256 es256) {
        Map<String, TrustBundle> opened = openBundles(generated, es256);
        List<Outcome> out = new ArrayList<>();
        for (Case c : generated.cases()) {
            TrustBundle bundle = opened.get(c.bundle());
            if (bundle == null) {
                throw new IllegalStateException(c.name() + ": bundle " + c.bundle() + " does not load");
            }
            SteppedClock clock = new SteppedClock();
            PassVerifier verifier = verifier(bundle, es256, clock);
            for (int i = 0; i < c.steps().size(); i++) {
                clock.set(c.steps().get(i).at());
                out.add(new Outcome(c, i, verifier.verify(c.steps().get(i).text(), new VenueType(c.venueType()))));
            }
        }
        return out;
    }

    /**
     * Every step whose verdict, reason or condition from the Java verifier is not the intended one, and every
     * bundle loaded or refused against its intent. Empty when the Java verifier agrees with the vectors.
     */
    public static List<String> mismatches(Generated generated, Es256 es256) {
        List<String> out = new ArrayList<>();
        Map<String, TrustBundle> opened = openBundles(generated, es256);
        for (BundleCheck check : generated.bundleChecks()) {
            if (opened.containsKey(check.bundle()) != check.accepted()) {
                out.add(check.bundle()
                        + (check.accepted() ? ": refused, but must load" : ": loaded, but must be refused"));
            }
        }
        for (Outcome o : run(generated, es256)) {
            Expect intended = o.testCase().steps().get(o.step()).expect();
            if (!o.got().equals(intended)) {
                out.add(o.testCase().name() + " step " + (o.step() + 1) + ": intended " + intended
                        + ", Java verifier says " + o.got());
            }
        }
        return out;
    }

    /** The verifier the vectors are meant for: native passes and the foreign formats, default policy. */
    public static PassVerifier verifier(TrustBundle bundle, Es256 es256, Clock clock) {
        return new PassVerifier(bundle, es256, clock, VerifierPolicy.DEFAULT, ForeignFormats.all(es256));
    }

    /** The verifier's clock, moved to each step's instant. */
    public static final class SteppedClock extends Clock {
        private volatile Instant now = Instant.EPOCH;

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        public void set(Instant instant) {
            now = instant;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The cases.

    private void reasons() {
        byte[] valid = credential(PassStatus.VACCINATED, Optional.of(device), LUNCH.minus(Duration.ofHours(1)));
        String fresh = present(valid, LUNCH.minusSeconds(5));
        one("VALID: device-bound, vaccinated, fresh", RESTAURANT, fresh, LUNCH, Verdict.ADMIT, Reason.VALID);

        byte[] unvaccinated =
                credential(PassStatus.UNVACCINATED, Optional.of(device), LUNCH.minus(Duration.ofHours(1)));
        one(
                "CONDITION_APPLIES: unvaccinated at a restaurant, 13 Dec (party of one unvaccinated)",
                RESTAURANT,
                present(unvaccinated, LUNCH),
                LUNCH,
                Verdict.ADMIT_LIMITED,
                Reason.CONDITION_APPLIES,
                "party_one_unvaccinated");
        one(
                "NOT_ACCEPTED_HERE: unvaccinated at a karaoke",
                KARAOKE,
                present(unvaccinated, LUNCH),
                LUNCH,
                Verdict.DENY,
                Reason.NOT_ACCEPTED_HERE);

        byte[] paper = credential(PassStatus.VACCINATED, Optional.empty(), LUNCH.minus(Duration.ofHours(1)));
        one(
                "ID_CHECK_REQUIRED: static (paper) pass",
                KARAOKE,
                staticText(paper),
                LUNCH,
                Verdict.CHECK_ID,
                Reason.ID_CHECK_REQUIRED);
        byte[] paperUnvaccinated =
                credential(PassStatus.UNVACCINATED, Optional.empty(), LUNCH.minus(Duration.ofHours(1)));
        one(
                "ID_CHECK_REQUIRED with a condition: static unvaccinated pass at a restaurant",
                RESTAURANT,
                staticText(paperUnvaccinated),
                LUNCH,
                Verdict.CHECK_ID,
                Reason.ID_CHECK_REQUIRED,
                "party_one_unvaccinated");
        one(
                "PASS_NOT_REQUIRED: a venue type with no pass requirement",
                "other",
                fresh,
                LUNCH,
                Verdict.ADMIT,
                Reason.PASS_NOT_REQUIRED);
        one(
                "PASS_NOT_REQUIRED: a venue type the rules do not know",
                "zoo",
                fresh,
                LUNCH,
                Verdict.ADMIT,
                Reason.PASS_NOT_REQUIRED);

        // Step 1: prefixes.
        deny("UNSUPPORTED_FORMAT: a URL", "https://example.org/qr/123", Reason.UNSUPPORTED_FORMAT);
        deny("UNSUPPORTED_FORMAT: empty text", "", Reason.UNSUPPORTED_FORMAT);
        deny("UNSUPPORTED_FORMAT: lower-case prefix", "cp1:" + fresh.substring(4), Reason.UNSUPPORTED_FORMAT);

        // Step 2: decoding.
        deny("MALFORMED: prefix only", "CP1:", Reason.MALFORMED);
        deny(
                "MALFORMED: lower-case letter (not Base45)",
                fresh.substring(0, 10) + "a" + fresh.substring(11),
                Reason.MALFORMED);
        deny(
                "MALFORMED: Base45 length 1 mod 3 (one character cut)",
                fresh.substring(0, fresh.length() - 1),
                Reason.MALFORMED);
        deny("MALFORMED: Base45 triple above 65535", "CP1:" + "GGW" + fresh.substring(7), Reason.MALFORMED);
        deny("MALFORMED: Base45 final pair above 255", "CP1:" + "ZZ", Reason.MALFORMED);
        deny("MALFORMED: not CBOR", "CP1:" + Base45.encode(new byte[] {(byte) 0xff, 0x00, 0x01}), Reason.MALFORMED);
        deny(
                "MALFORMED: a map, not an array",
                "CP1:" + Base45.encode(new CborWriter(8).map(0).endMap().toBytes()),
                Reason.MALFORMED);
        deny(
                "MALFORMED: empty array",
                "CP1:" + Base45.encode(new CborWriter(8).array(0).endArray().toBytes()),
                Reason.MALFORMED);
        Presentation p = devicePresentation(valid, LUNCH);
        deny(
                "MALFORMED: two elements",
                encode(w -> w.array(2).bytes(valid).integer(p.timestamp()).endArray()),
                Reason.MALFORMED);
        deny(
                "MALFORMED: four elements",
                encode(w -> w.array(4)
                        .bytes(valid)
                        .integer(p.timestamp())
                        .bytes(p.deviceSignature())
                        .integer(0)
                        .endArray()),
                Reason.MALFORMED);
        deny(
                "MALFORMED: a byte after the array",
                "CP1:" + Base45.encode(concat(p.encode(), new byte[] {0})),
                Reason.MALFORMED);
        deny(
                "MALFORMED: time is text",
                encode(w -> w.array(3)
                        .bytes(valid)
                        .text("1639364400")
                        .bytes(p.deviceSignature())
                        .endArray()),
                Reason.MALFORMED);
        deny(
                "MALFORMED: time is negative",
                encode(w -> w.array(3)
                        .bytes(valid)
                        .integer(-1)
                        .bytes(p.deviceSignature())
                        .endArray()),
                Reason.MALFORMED);
        deny(
                "MALFORMED: device signature of 63 bytes",
                encode(w -> w.array(3)
                        .bytes(valid)
                        .integer(p.timestamp())
                        .bytes(Arrays.copyOf(p.deviceSignature(), 63))
                        .endArray()),
                Reason.MALFORMED);
        deny(
                "MALFORMED: device signature of 65 bytes",
                encode(w -> w.array(3)
                        .bytes(valid)
                        .integer(p.timestamp())
                        .bytes(Arrays.copyOf(p.deviceSignature(), 65))
                        .endArray()),
                Reason.MALFORMED);
        deny("MALFORMED: credential is not COSE", staticText(new byte[] {1, 2, 3}), Reason.MALFORMED);
        byte[] claims = claimsOf(valid);
        deny(
                "MALFORMED: alg ES384 in the protected header",
                staticText(signed(
                        issuer,
                        CoseSign1.protectedHeader(-35, issuer.id().bytes()),
                        claims,
                        PassFormat.CREDENTIAL_AAD)),
                Reason.MALFORMED);
        deny(
                "MALFORMED: kid of 7 bytes",
                staticText(signed(
                        issuer,
                        CoseSign1.protectedHeader(
                                CoseSign1.ALG_ES256, Arrays.copyOf(issuer.id().bytes(), 7)),
                        claims,
                        PassFormat.CREDENTIAL_AAD)),
                Reason.MALFORMED);
        deny(
                "MALFORMED: COSE array of three",
                staticText(new CborWriter(64)
                        .array(3)
                        .bytes(issuerHeader())
                        .map(0)
                        .endMap()
                        .bytes(claims)
                        .endArray()
                        .toBytes()),
                Reason.MALFORMED);
        deny(
                "MALFORMED: COSE with tag 98 (COSE_Sign)",
                staticText(concat(new byte[] {(byte) 0xd8, 0x62}, valid)),
                Reason.MALFORMED);
        one(
                "VALID: COSE with tag 18 (COSE_Sign1)",
                RESTAURANT,
                present(concat(new byte[] {(byte) 0xd2}, valid), LUNCH),
                LUNCH,
                Verdict.ADMIT,
                Reason.VALID);

        // Step 3: issuer signature and claims.
        deny(
                "UNKNOWN_KEY: signed by a key not in the bundle",
                staticText(new PassIssuer(rogueIssuer, es256, random)
                        .sign(claims(
                                PassStatus.VACCINATED, Optional.empty(), LUNCH.minus(Duration.ofHours(1)), LIFETIME))
                        .encoded()),
                Reason.UNKNOWN_KEY);
        Instant beforeKey = KEY_FROM.minusSeconds(1);
        deny(
                "UNKNOWN_KEY: issued a second before the key's notBefore",
                staticText(signedClaims(
                        claims(PassStatus.VACCINATED, Optional.empty(), beforeKey, Duration.ofDays(2000)))),
                LUNCH,
                Reason.UNKNOWN_KEY);
        one(
                "ID_CHECK_REQUIRED: issued at the key's notBefore",
                KARAOKE,
                staticText(
                        signedClaims(claims(PassStatus.VACCINATED, Optional.empty(), KEY_FROM, Duration.ofDays(1000)))),
                LUNCH,
                Verdict.CHECK_ID,
                Reason.ID_CHECK_REQUIRED);
        byte[] flipped = valid.clone();
        flipped[flipped.length - 1] ^= 1;
        deny("BAD_SIGNATURE: issuer signature with one bit flipped", present(flipped, LUNCH), Reason.BAD_SIGNATURE);
        byte[] alteredClaims = valid.clone();
        int nameAt = indexOf(alteredClaims, "홍*동".getBytes(StandardCharsets.UTF_8));
        alteredClaims[nameAt] = 'X';
        deny("BAD_SIGNATURE: claims altered after signing", present(alteredClaims, LUNCH), Reason.BAD_SIGNATURE);
        deny(
                "BAD_SIGNATURE: signed without the external AAD",
                staticText(signed(issuer, issuerHeader(), claims, new byte[0])),
                Reason.BAD_SIGNATURE);
        deny("BAD_SIGNATURE: issuer signature of 63 bytes", staticText(withSignature(valid, 63)), Reason.BAD_SIGNATURE);
        deny("BAD_SIGNATURE: issuer signature of 65 bytes", staticText(withSignature(valid, 65)), Reason.BAD_SIGNATURE);
        malformedClaims();

        // Step 4: the credential's validity.
        Instant iat = LUNCH.plusSeconds(31);
        deny(
                "NOT_YET_VALID: issued 31 s ahead of the verifier's clock",
                staticText(signedClaims(claims(PassStatus.VACCINATED, Optional.empty(), iat, LIFETIME))),
                LUNCH,
                Reason.NOT_YET_VALID);
        one(
                "ID_CHECK_REQUIRED: issued 30 s ahead (within the skew)",
                KARAOKE,
                staticText(
                        signedClaims(claims(PassStatus.VACCINATED, Optional.empty(), LUNCH.plusSeconds(30), LIFETIME))),
                LUNCH,
                Verdict.CHECK_ID,
                Reason.ID_CHECK_REQUIRED);
        byte[] expiring =
                signedClaims(claims(PassStatus.VACCINATED, Optional.empty(), LUNCH.minus(LIFETIME), LIFETIME));
        deny("CREDENTIAL_EXPIRED: at the expiry instant", staticText(expiring), LUNCH, Reason.CREDENTIAL_EXPIRED);
        one(
                "ID_CHECK_REQUIRED: a second before expiry",
                KARAOKE,
                staticText(expiring),
                LUNCH.minusSeconds(1),
                Verdict.CHECK_ID,
                Reason.ID_CHECK_REQUIRED);

        // Step 5: revocation.
        PassClaims revokedClaims = new PassClaims(
                LUNCH.minus(Duration.ofHours(1)),
                LUNCH.plus(LIFETIME),
                revoked,
                PassStatus.VACCINATED,
                Instant.parse("2021-10-01T00:00:00Z"),
                Optional.empty(),
                DisplayHint.of("홍길동", 1985),
                Optional.of((ECPublicKey) device.getPublic()));
        deny(
                "REVOKED: serial in the bundle's revoked list",
                present(passIssuer.sign(revokedClaims).encoded(), LUNCH),
                Reason.REVOKED);

        // Step 6: device proof.
        one(
                "VALID: presented 60 s ago (window + skew)",
                RESTAURANT,
                fresh,
                LUNCH.plusSeconds(55),
                Verdict.ADMIT,
                Reason.VALID);
        one(
                "STALE_PRESENTATION: presented 61 s ago",
                RESTAURANT,
                fresh,
                LUNCH.plusSeconds(56),
                Verdict.DENY,
                Reason.STALE_PRESENTATION);
        one(
                "STALE_PRESENTATION: a screenshot 90 s old",
                RESTAURANT,
                present(valid, LUNCH.minusSeconds(90)),
                LUNCH,
                Verdict.DENY,
                Reason.STALE_PRESENTATION);
        one(
                "VALID: presentation time 30 s ahead (skew)",
                RESTAURANT,
                present(valid, LUNCH.plusSeconds(30)),
                LUNCH,
                Verdict.ADMIT,
                Reason.VALID);
        one(
                "FUTURE_PRESENTATION: presentation time 31 s ahead",
                RESTAURANT,
                present(valid, LUNCH.plusSeconds(31)),
                LUNCH,
                Verdict.DENY,
                Reason.FUTURE_PRESENTATION);
        deny(
                "BAD_DEVICE_PROOF: a device-bound credential shown without a proof",
                staticText(valid),
                Reason.BAD_DEVICE_PROOF);
        deny(
                "BAD_DEVICE_PROOF: signed by another device",
                "CP1:"
                        + Base45.encode(new HolderDevice((ECPrivateKey) otherDevice.getPrivate(), es256)
                                .present(valid, LUNCH)
                                .encode()),
                Reason.BAD_DEVICE_PROOF);
        byte[] badProof = p.deviceSignature().clone();
        badProof[10] ^= 0x40;
        deny(
                "BAD_DEVICE_PROOF: device signature with one bit flipped",
                "CP1:" + Base45.encode(new Presentation(valid, p.timestamp(), badProof).encode()),
                Reason.BAD_DEVICE_PROOF);
        deny(
                "BAD_DEVICE_PROOF: device signature over another time",
                "CP1:" + Base45.encode(new Presentation(valid, p.timestamp() - 1, p.deviceSignature()).encode()),
                Reason.BAD_DEVICE_PROOF);
        deny(
                "BAD_DEVICE_PROOF: a static credential with a device proof",
                "CP1:"
                        + Base45.encode(new HolderDevice((ECPrivateKey) device.getPrivate(), es256)
                                .present(paper, LUNCH)
                                .encode()),
                Reason.BAD_DEVICE_PROOF);
        deny("MALFORMED: device key not on P-256", staticText(withDeviceX(valid, notOnCurveX())), Reason.MALFORMED);

        deny(
                "MALFORMED: the presentation as an indefinite-length array",
                "CP1:" + Base45.encode(indefinite(p.encode(), (byte) 0x9f)),
                Reason.MALFORMED);

        Presentation once = devicePresentation(valid, LUNCH.minusSeconds(2));
        String onceText = "CP1:" + Base45.encode(once.encode());
        cases.add(new Case(
                "REPLAYED: the same QR twice",
                MAIN_BUNDLE,
                RESTAURANT,
                List.of(
                        new Step(onceText, LUNCH, Expect.of(Verdict.ADMIT, Reason.VALID)),
                        new Step(onceText, LUNCH.plusSeconds(3), Expect.of(Verdict.DENY, Reason.REPLAYED)))));
        byte[] malleated = EcPoints.complementS(once.deviceSignature());
        cases.add(new Case(
                "REPLAYED: the second with a malleated signature (s to n - s), same serial and time",
                MAIN_BUNDLE,
                RESTAURANT,
                List.of(
                        new Step(onceText, LUNCH, Expect.of(Verdict.ADMIT, Reason.VALID)),
                        new Step(
                                "CP1:" + Base45.encode(new Presentation(valid, once.timestamp(), malleated).encode()),
                                LUNCH.plusSeconds(1),
                                Expect.of(Verdict.DENY, Reason.REPLAYED)))));
        cases.add(new Case(
                "VALID twice: the wallet re-signed 15 s later",
                MAIN_BUNDLE,
                RESTAURANT,
                List.of(
                        new Step(onceText, LUNCH, Expect.of(Verdict.ADMIT, Reason.VALID)),
                        new Step(
                                present(valid, LUNCH.plusSeconds(13)),
                                LUNCH.plusSeconds(15),
                                Expect.of(Verdict.ADMIT, Reason.VALID)))));

        // Step 7: status windows.
        PassClaims notYet = new PassClaims(
                LUNCH.minus(Duration.ofHours(1)),
                LUNCH.plus(LIFETIME),
                Serial.random(random),
                PassStatus.VACCINATED,
                LUNCH.plus(Duration.ofDays(2)),
                Optional.empty(),
                DisplayHint.of("홍길동", 1985),
                Optional.of((ECPublicKey) device.getPublic()));
        one(
                "NOT_YET_VALID (rules): vaccinated status starts in two days, at a karaoke",
                KARAOKE,
                present(passIssuer.sign(notYet).encoded(), LUNCH),
                LUNCH,
                Verdict.DENY,
                Reason.NOT_YET_VALID);
        PassClaims lapsed = new PassClaims(
                LUNCH.minus(Duration.ofHours(1)),
                LUNCH.plus(LIFETIME),
                Serial.random(random),
                PassStatus.TESTED,
                LUNCH.minus(Duration.ofDays(3)),
                Optional.of(LUNCH.minus(Duration.ofDays(1))),
                DisplayHint.of("김철수", 1970),
                Optional.of((ECPublicKey) device.getPublic()));
        byte[] lapsedCredential = passIssuer.sign(lapsed).encoded();
        one(
                "STATUS_EXPIRED: a PCR result that lapsed yesterday, at a karaoke",
                KARAOKE,
                present(lapsedCredential, LUNCH),
                LUNCH,
                Verdict.DENY,
                Reason.STATUS_EXPIRED);
        one(
                "CONDITION_APPLIES: a lapsed status counts as unvaccinated at a restaurant",
                RESTAURANT,
                present(lapsedCredential, LUNCH),
                LUNCH,
                Verdict.ADMIT_LIMITED,
                Reason.CONDITION_APPLIES,
                "party_one_unvaccinated");
        PassClaims endsNow = new PassClaims(
                LUNCH.minus(Duration.ofHours(1)),
                LUNCH.plus(LIFETIME),
                Serial.random(random),
                PassStatus.TESTED,
                LUNCH.minus(Duration.ofDays(1)),
                Optional.of(LUNCH),
                DisplayHint.of("김철수", 1970),
                Optional.of((ECPublicKey) device.getPublic()));
        byte[] endsNowCredential = passIssuer.sign(endsNow).encoded();
        one(
                "STATUS_EXPIRED: status until is exclusive",
                KARAOKE,
                present(endsNowCredential, LUNCH),
                LUNCH,
                Verdict.DENY,
                Reason.STATUS_EXPIRED);
        one(
                "VALID: a second before status until",
                KARAOKE,
                present(endsNowCredential, LUNCH.minusSeconds(1)),
                LUNCH.minusSeconds(1),
                Verdict.ADMIT,
                Reason.VALID);

        cases.add(new Case(
                "UNKNOWN_KEY: the issuer key rotated out of the bundle",
                ROTATED_BUNDLE,
                RESTAURANT,
                List.of(new Step(fresh, LUNCH, Expect.of(Verdict.DENY, Reason.UNKNOWN_KEY)))));
        byte[] rotated = new PassIssuer(rotatedIssuer, es256, random)
                .sign(claims(PassStatus.VACCINATED, Optional.of(device), LUNCH.minus(Duration.ofHours(1)), LIFETIME))
                .encoded();
        cases.add(new Case(
                "ISSUER_KEY_REVOKED: the issuer key was revoked after a compromise",
                REVOKED_KEY_BUNDLE,
                RESTAURANT,
                List.of(new Step(fresh, LUNCH, Expect.of(Verdict.DENY, Reason.ISSUER_KEY_REVOKED)))));
        cases.add(new Case(
                "VALID: issued under the key that took over from the revoked one",
                REVOKED_KEY_BUNDLE,
                RESTAURANT,
                List.of(new Step(
                        present(rotated, LUNCH.plusSeconds(1)),
                        LUNCH.plusSeconds(1),
                        Expect.of(Verdict.ADMIT, Reason.VALID)))));
        cases.add(new Case(
                "VALID: issued under the rotated key",
                ROTATED_BUNDLE,
                RESTAURANT,
                List.of(new Step(present(rotated, LUNCH), LUNCH, Expect.of(Verdict.ADMIT, Reason.VALID)))));
    }

    /** Validly signed credentials whose claims break §3: still MALFORMED. */
    private void malformedClaims() {
        long iat = LUNCH.minus(Duration.ofHours(1)).getEpochSecond();
        long exp = iat + LIFETIME.toSeconds();
        byte[] serial = Serial.random(random).bytes();
        record Variant(String name, Function<CborWriter, CborWriter> claims) {}
        List<Variant> variants = List.of(
                new Variant(
                        "no serial (cti)",
                        w -> w.map(3)
                                .key(4)
                                .integer(exp)
                                .key(6)
                                .integer(iat)
                                .key(-65537)
                                .map(4)
                                .key(1)
                                .integer(1)
                                .key(2)
                                .integer(iat)
                                .key(4)
                                .text("홍*동")
                                .key(5)
                                .integer(1985)
                                .endMap()
                                .endMap()),
                new Variant(
                        "serial of 11 bytes",
                        w -> w.map(4)
                                .key(4)
                                .integer(exp)
                                .key(6)
                                .integer(iat)
                                .key(7)
                                .bytes(Arrays.copyOf(serial, 11))
                                .key(-65537)
                                .map(4)
                                .key(1)
                                .integer(1)
                                .key(2)
                                .integer(iat)
                                .key(4)
                                .text("홍*동")
                                .key(5)
                                .integer(1985)
                                .endMap()
                                .endMap()),
                new Variant("status code 9", w -> pass(w, iat, exp, serial, 9, "홍*동", 1985)),
                new Variant("birth year 1899", w -> pass(w, iat, exp, serial, 1, "홍*동", 1899)),
                new Variant("name of 25 characters", w -> pass(w, iat, exp, serial, 1, "가".repeat(25), 1985)),
                new Variant("blank name", w -> pass(w, iat, exp, serial, 1, "  ", 1985)),
                new Variant("expiry not after issued-at", w -> pass(w, iat, iat, serial, 1, "홍*동", 1985)),
                new Variant("claims are an array", w -> w.array(1).integer(1).endArray()));
        for (Variant variant : variants) {
            byte[] payload = variant.claims().apply(new CborWriter(160)).toBytes();
            deny(
                    "MALFORMED: signed claims with " + variant.name(),
                    staticText(signed(issuer, issuerHeader(), payload, PassFormat.CREDENTIAL_AAD)),
                    Reason.MALFORMED);
        }
        // {"exp": 0}: a text key where the claims have integer keys (written by hand: the writer only writes integer
        // keys).
        byte[] textKey = {(byte) 0xa1, 0x63, 'e', 'x', 'p', 0x00};
        deny(
                "MALFORMED: signed claims with a text claim key",
                staticText(signed(issuer, issuerHeader(), textKey, PassFormat.CREDENTIAL_AAD)),
                Reason.MALFORMED);
        // Definite lengths only (§5 step 2), wherever the item is.
        byte[] claimsBytes = Credentials.encodeClaims(
                claims(PassStatus.VACCINATED, Optional.empty(), LUNCH.minus(Duration.ofHours(1)), LIFETIME));
        deny(
                "MALFORMED: signed claims in an indefinite-length map",
                staticText(signed(
                        issuer, issuerHeader(), indefinite(claimsBytes, (byte) 0xbf), PassFormat.CREDENTIAL_AAD)),
                Reason.MALFORMED);
        byte[] paper = signedClaims(
                claims(PassStatus.VACCINATED, Optional.empty(), LUNCH.minus(Duration.ofHours(1)), LIFETIME));
        deny(
                "MALFORMED: the credential as an indefinite-length COSE array",
                staticText(indefinite(paper, (byte) 0x9f)),
                Reason.MALFORMED);
        byte[] chunked = concat(
                new byte[] {(byte) 0x81, 0x5f},
                new CborWriter(paper.length + 4).bytes(paper).toBytes(),
                new byte[] {(byte) 0xff});
        deny(
                "MALFORMED: the credential as an indefinite-length byte string",
                "CP1:" + Base45.encode(chunked),
                Reason.MALFORMED);
        // Nesting: Java's reader (and so every verifier) allows 16 levels of arrays and maps; the claims map is one.
        for (int levels : new int[] {15, 16}) {
            CborWriter w = new CborWriter(200)
                    .map(5)
                    .key(4)
                    .integer(exp)
                    .key(6)
                    .integer(iat)
                    .key(7)
                    .bytes(serial)
                    .key(99);
            for (int i = 0; i < levels; i++) {
                w.array(1);
            }
            w.integer(0);
            for (int i = 0; i < levels; i++) {
                w.endArray();
            }
            byte[] nested = w.key(-65537)
                    .map(4)
                    .key(1)
                    .integer(1)
                    .key(2)
                    .integer(iat)
                    .key(4)
                    .text("홍*동")
                    .key(5)
                    .integer(1985)
                    .endMap()
                    .endMap()
                    .toBytes();
            String text = staticText(signed(issuer, issuerHeader(), nested, PassFormat.CREDENTIAL_AAD));
            if (levels == 15) {
                one(
                        "ID_CHECK_REQUIRED: an unknown claim nested to the 16th level",
                        KARAOKE,
                        text,
                        LUNCH,
                        Verdict.CHECK_ID,
                        Reason.ID_CHECK_REQUIRED);
            } else {
                deny("MALFORMED: an unknown claim nested to the 17th level", text, Reason.MALFORMED);
            }
        }
        // An unknown claim is skipped: forward compatibility.
        byte[] extra = new CborWriter(160)
                .map(5)
                .key(4)
                .integer(exp)
                .key(6)
                .integer(iat)
                .key(7)
                .bytes(serial)
                .key(99)
                .text("future")
                .key(-65537)
                .map(4)
                .key(1)
                .integer(1)
                .key(2)
                .integer(iat)
                .key(4)
                .text("홍*동")
                .key(5)
                .integer(1985)
                .endMap()
                .endMap()
                .toBytes();
        one(
                "ID_CHECK_REQUIRED: an unknown claim is skipped",
                KARAOKE,
                staticText(signed(issuer, issuerHeader(), extra, PassFormat.CREDENTIAL_AAD)),
                LUNCH,
                Verdict.CHECK_ID,
                Reason.ID_CHECK_REQUIRED);
    }

    private static CborWriter pass(
            CborWriter w, long iat, long exp, byte[] serial, int status, String name, int birthYear) {
        return w.map(4)
                .key(4)
                .integer(exp)
                .key(6)
                .integer(iat)
                .key(7)
                .bytes(serial)
                .key(-65537)
                .map(4)
                .key(1)
                .integer(status)
                .key(2)
                .integer(iat)
                .key(4)
                .text(name)
                .key(5)
                .integer(birthYear)
                .endMap()
                .endMap();
    }

    /** Each rule set in force a second before and at its effective instant (docs/rules.md). */
    private void ruleSwitches() {
        switchCase(
                "1 Nov 2021",
                kst(2021, 11, 1, 0, 0, 0),
                KARAOKE,
                PassStatus.UNVACCINATED,
                Expect.of(Verdict.ADMIT, Reason.PASS_NOT_REQUIRED),
                Expect.of(Verdict.ADMIT, Reason.GUIDANCE_PERIOD));
        switchCase(
                "8 Nov 2021 (guidance week ends)",
                kst(2021, 11, 8, 0, 0, 0),
                KARAOKE,
                PassStatus.UNVACCINATED,
                Expect.of(Verdict.ADMIT, Reason.GUIDANCE_PERIOD),
                Expect.of(Verdict.DENY, Reason.NOT_ACCEPTED_HERE));
        switchCase(
                "6 Dec 2021",
                kst(2021, 12, 6, 0, 0, 0),
                "pc_cafe",
                PassStatus.UNVACCINATED,
                Expect.of(Verdict.ADMIT, Reason.PASS_NOT_REQUIRED),
                Expect.of(Verdict.ADMIT, Reason.GUIDANCE_PERIOD));
        switchCase(
                "13 Dec 2021 (guidance week ends)",
                kst(2021, 12, 13, 0, 0, 0),
                "pc_cafe",
                PassStatus.UNVACCINATED,
                Expect.of(Verdict.ADMIT, Reason.GUIDANCE_PERIOD),
                Expect.of(Verdict.DENY, Reason.NOT_ACCEPTED_HERE));
        switchCase(
                "18 Dec 2021",
                kst(2021, 12, 18, 0, 0, 0),
                RESTAURANT,
                PassStatus.UNVACCINATED,
                Expect.of(Verdict.ADMIT_LIMITED, Reason.CONDITION_APPLIES).because("party_one_unvaccinated"),
                Expect.of(Verdict.ADMIT_LIMITED, Reason.CONDITION_APPLIES).because("alone_only"));
        switchCase(
                "10 Jan 2022",
                kst(2022, 1, 10, 0, 0, 0),
                "large_store",
                PassStatus.VACCINATED,
                Expect.of(Verdict.ADMIT, Reason.PASS_NOT_REQUIRED),
                Expect.of(Verdict.ADMIT, Reason.VALID));
        switchCase(
                "18 Jan 2022",
                kst(2022, 1, 18, 0, 0, 0),
                "cinema_theatre",
                PassStatus.UNVACCINATED,
                Expect.of(Verdict.DENY, Reason.NOT_ACCEPTED_HERE),
                Expect.of(Verdict.ADMIT, Reason.PASS_NOT_REQUIRED));
        switchCase(
                "18 Jan 2022",
                kst(2022, 1, 18, 0, 0, 0),
                "large_store",
                PassStatus.VACCINATED,
                Expect.of(Verdict.ADMIT, Reason.VALID),
                Expect.of(Verdict.ADMIT, Reason.PASS_NOT_REQUIRED));
        switchCase(
                "1 Mar 2022",
                kst(2022, 3, 1, 0, 0, 0),
                KARAOKE,
                PassStatus.UNVACCINATED,
                Expect.of(Verdict.DENY, Reason.NOT_ACCEPTED_HERE),
                Expect.of(Verdict.ADMIT, Reason.PASS_NOT_REQUIRED));
    }

    private void switchCase(
            String label, Instant effective, String venueType, PassStatus status, Expect before, Expect at) {
        byte[] credential = credential(status, Optional.of(device), effective.minus(Duration.ofHours(1)));
        Instant justBefore = effective.minusSeconds(1);
        one(
                "rules " + label + ": " + status.id() + " at " + venueType + ", a second before",
                venueType,
                present(credential, justBefore.minusSeconds(5)),
                justBefore,
                before.verdict(),
                before.reason(),
                before.condition().orElse(null));
        one(
                "rules " + label + ": " + status.id() + " at " + venueType + ", at the switch",
                venueType,
                present(credential, effective.minusSeconds(4)),
                effective,
                at.verdict(),
                at.reason(),
                at.condition().orElse(null));
    }

    /** The size limits of §5 steps 1 and 2. */
    private void sizes() {
        // A credential of exactly 600 bytes (an unknown claim pads it), and one of 601.
        byte[] max = paddedCredential(PassFormat.MAX_CREDENTIAL_BYTES);
        String maxText = present(max, LUNCH);
        one(
                "VALID: credential of 600 bytes, the largest accepted (" + maxText.length() + " characters)",
                RESTAURANT,
                maxText,
                LUNCH,
                Verdict.ADMIT,
                Reason.VALID);
        deny(
                "MALFORMED: credential of 601 bytes",
                present(paddedCredential(PassFormat.MAX_CREDENTIAL_BYTES + 1), LUNCH),
                Reason.MALFORMED);
        // Text of 1024 characters is measured before decoding: valid Base45 of 1020 characters decodes to 680 bytes.
        String base45Of680 = Base45.encode(filler(PassFormat.MAX_PRESENTATION_BYTES));
        deny(
                "MALFORMED: 1024 characters of CP1 whose 680 bytes are not a presentation",
                "CP1:" + base45Of680,
                Reason.MALFORMED);
        deny("MALFORMED: CP1 text of 1025 characters", "CP1:" + base45Of680 + "0", Reason.MALFORMED);
        deny(
                "MALFORMED: 681 bytes decoded (1022 Base45 characters, text of 1026)",
                "CP1:" + Base45.encode(filler(681)),
                Reason.MALFORMED);
        deny("UNSUPPORTED_FORMAT: 8192 characters, no known prefix", "X".repeat(8192), Reason.UNSUPPORTED_FORMAT);
        deny("MALFORMED: 8193 characters, checked before the prefix", "X".repeat(8193), Reason.MALFORMED);
        deny("MALFORMED: foreign prefix over 8192 characters", "HC1:" + "0".repeat(8189), Reason.MALFORMED);
        deny(
                "MALFORMED: odd Base45 length of 2 (one byte)",
                "CP1:" + Base45.encode(new byte[] {(byte) 0x80}),
                Reason.MALFORMED);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Building blocks.

    private void one(String name, String venueType, String text, Instant at, Verdict verdict, Reason reason) {
        one(name, venueType, text, at, verdict, reason, null);
    }

    private void one(
            String name, String venueType, String text, Instant at, Verdict verdict, Reason reason, String condition) {
        cases.add(new Case(
                name,
                MAIN_BUNDLE,
                venueType,
                List.of(new Step(text, at, new Expect(verdict, reason, Optional.ofNullable(condition))))));
    }

    private void deny(String name, String text, Reason reason) {
        deny(name, text, LUNCH, reason);
    }

    private void deny(String name, String text, Instant at, Reason reason) {
        one(name, RESTAURANT, text, at, Verdict.DENY, reason);
    }

    private PassClaims claims(PassStatus status, Optional<KeyPair> holder, Instant issuedAt, Duration lifetime) {
        return new PassClaims(
                issuedAt,
                issuedAt.plus(lifetime),
                Serial.random(random),
                status,
                Instant.parse("2021-10-01T00:00:00Z"),
                status == PassStatus.UNVACCINATED
                        ? Optional.empty()
                        : Optional.of(Instant.parse("2022-06-30T15:00:00Z")),
                DisplayHint.of("홍길동", 1985),
                holder.map(k -> (ECPublicKey) k.getPublic()));
    }

    private byte[] credential(PassStatus status, Optional<KeyPair> holder, Instant issuedAt) {
        return passIssuer.sign(claims(status, holder, issuedAt, LIFETIME)).encoded();
    }

    private byte[] signedClaims(PassClaims claims) {
        return passIssuer.sign(claims).encoded();
    }

    private byte[] issuerHeader() {
        return CoseSign1.protectedHeader(CoseSign1.ALG_ES256, issuer.id().bytes());
    }

    private byte[] signed(SigningKey key, byte[] protectedHeader, byte[] payload, byte[] aad) {
        byte[] signature = es256.sign(key.privateKey(), CoseSign1.toBeSigned(protectedHeader, aad, payload));
        return CoseSign1.encode(protectedHeader, List.of(), payload, signature);
    }

    private Presentation devicePresentation(byte[] credential, Instant at) {
        return new HolderDevice((ECPrivateKey) device.getPrivate(), es256).present(credential, at);
    }

    private String present(byte[] credential, Instant at) {
        return devicePresentation(credential, at).toText();
    }

    private static String staticText(byte[] credential) {
        return Presentation.ofStatic(credential).toText();
    }

    private static String encode(Function<CborWriter, CborWriter> presentation) {
        return "CP1:" + Base45.encode(presentation.apply(new CborWriter(700)).toBytes());
    }

    private static byte[] claimsOf(byte[] credential) {
        return CoseSign1.decode(credential, PassFormat.MAX_PROTECTED_HEADER_BYTES, PassFormat.MAX_CREDENTIAL_BYTES)
                .payload();
    }

    /** The credential re-signed with a signature of {@code length} bytes (the real one, cut or extended). */
    private byte[] withSignature(byte[] credential, int length) {
        CoseSign1 cose =
                CoseSign1.decode(credential, PassFormat.MAX_PROTECTED_HEADER_BYTES, PassFormat.MAX_CREDENTIAL_BYTES);
        return CoseSign1.encode(
                cose.protectedBytes(), List.of(), cose.payload(), Arrays.copyOf(cose.signature(), length));
    }

    /** A device-bound credential, validly signed, whose cnf x is {@code x}. */
    private byte[] withDeviceX(byte[] credential, byte[] x) {
        byte[] payload = claimsOf(credential).clone();
        byte[] realX = EcPoints.x((ECPublicKey) device.getPublic());
        int at = indexOf(payload, realX);
        System.arraycopy(x, 0, payload, at, 32);
        return signed(issuer, issuerHeader(), payload, PassFormat.CREDENTIAL_AAD);
    }

    /** An x coordinate with no point on P-256 (x³ − 3x + b is not a square mod p). */
    private static byte[] notOnCurveX() {
        BigInteger p = EcPoints.P256.getCurve().getField() instanceof ECFieldFp fp ? fp.getP() : BigInteger.ZERO;
        BigInteger b = EcPoints.P256.getCurve().getB();
        for (BigInteger x = BigInteger.ONE; ; x = x.add(BigInteger.ONE)) {
            BigInteger rhs =
                    x.pow(3).subtract(x.multiply(BigInteger.valueOf(3))).add(b).mod(p);
            if (rhs.modPow(p.subtract(BigInteger.ONE).shiftRight(1), p).equals(p.subtract(BigInteger.ONE))) {
                byte[] out = new byte[32];
                byte[] raw = x.toByteArray();
                System.arraycopy(raw, 0, out, 32 - raw.length, raw.length);
                return out;
            }
        }
    }

    /** A device-bound credential of exactly {@code size} bytes: an unknown claim (key 99) holds the padding. */
    private byte[] paddedCredential(int size) {
        PassClaims claims =
                claims(PassStatus.VACCINATED, Optional.of(device), LUNCH.minus(Duration.ofHours(1)), LIFETIME);
        for (int pad = 0; pad < size; pad++) {
            byte[] payload = withPadding(claims, pad);
            byte[] credential = signed(issuer, issuerHeader(), payload, PassFormat.CREDENTIAL_AAD);
            if (credential.length == size) {
                return credential;
            }
            if (credential.length > size) {
                break;
            }
        }
        throw new IllegalStateException("no padding gives a credential of exactly " + size + " bytes");
    }

    /** The claims with key 99 → a byte string of {@code pad} bytes added before the pass claim. */
    private static byte[] withPadding(PassClaims claims, int pad) {
        byte[] plain = Credentials.encodeClaims(claims);
        // plain = map(5) head, then the entries; add one entry: 99 → bstr(pad).
        byte[] entry = new CborWriter(pad + 8)
                .map(1)
                .key(99)
                .bytes(new byte[pad])
                .endMap()
                .toBytes();
        byte[] head = {(byte) 0xa6};
        return concat(head, Arrays.copyOfRange(plain, 1, plain.length), Arrays.copyOfRange(entry, 1, entry.length));
    }

    /** The same array or map with an indefinite-length head ({@code 0x9f} or {@code 0xbf}) and a break at the end. */
    private static byte[] indefinite(byte[] definite, byte head) {
        int major = (definite[0] & 0xff) >>> 5;
        if ((definite[0] & 31) >= 24 || (major != 4 && major != 5)) {
            throw new IllegalArgumentException("expected a short array or map head");
        }
        return concat(new byte[] {head}, Arrays.copyOfRange(definite, 1, definite.length), new byte[] {(byte) 0xff});
    }

    private static byte[] filler(int size) {
        byte[] out = new byte[size];
        Arrays.fill(out, (byte) 0x41);
        return out;
    }

    private Map<String, byte[]> bundles() {
        VenueRules rules = VenueRules.korea();
        Instant created = LUNCH.minus(Duration.ofDays(1));
        TrustBundle withoutMedical =
                new TrustBundle(1, created, List.of(issuerKey(issuer)), Set.of(revoked), rules, foreign.bundleTrust());
        TrustBundle main = withoutMedical.withMedicalRules(MedicalRules.korea());
        TrustBundle rotated = new TrustBundle(2, created, List.of(issuerKey(rotatedIssuer)), Set.of(), rules);
        TrustBundle revokedKey = new TrustBundle(
                3,
                created,
                List.of(issuerKey(rotatedIssuer)),
                Set.of(),
                rules,
                null,
                Optional.of(MedicalRules.korea()),
                Set.of(issuer.id()),
                Optional.empty());
        byte[] signedMain = TrustBundles.sign(main, bundleKey, es256);
        byte[] tampered = signedMain.clone();
        int at = indexOf(tampered, "KR-2021-12-18".getBytes(StandardCharsets.US_ASCII));
        tampered[at + 3] = '3';
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put(MAIN_BUNDLE, signedMain);
        out.put(ROTATED_BUNDLE, TrustBundles.sign(rotated, bundleKey, es256));
        out.put(REVOKED_KEY_BUNDLE, TrustBundles.sign(revokedKey, bundleKey, es256));
        out.put(NO_MEDICAL_RULES_BUNDLE, TrustBundles.sign(withoutMedical, bundleKey, es256));
        out.put(FOREIGN_SIGNER_BUNDLE, TrustBundles.sign(main, otherBundleKey, es256));
        out.put(TAMPERED_BUNDLE, tampered);
        return out;
    }

    private static IssuerKey issuerKey(SigningKey key) {
        return new IssuerKey(key.id(), "KR", key.publicKey(), key.notBefore(), key.notAfter());
    }

    static Instant kst(int year, int month, int day, int hour, int minute, int second) {
        return OffsetDateTime.of(year, month, day, hour, minute, second, 0, ZoneOffset.ofHours(9))
                .toInstant();
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("pattern not found");
    }
}
