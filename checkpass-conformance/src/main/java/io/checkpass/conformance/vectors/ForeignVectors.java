package io.checkpass.conformance.vectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import io.checkpass.conformance.vectors.NativeVectors.Case;
import io.checkpass.conformance.vectors.NativeVectors.Expect;
import io.checkpass.conformance.vectors.NativeVectors.Step;
import io.checkpass.core.codec.Base45;
import io.checkpass.core.codec.Cbor;
import io.checkpass.core.codec.CborWriter;
import io.checkpass.core.codec.CoseSign1;
import io.checkpass.core.codec.Json;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.foreign.EcJwk;
import io.checkpass.core.foreign.ForeignTrust;
import io.checkpass.core.foreign.dcc.DccRevocationList.HashType;
import io.checkpass.core.foreign.dcc.DccRevocations;
import io.checkpass.core.foreign.dcc.DccSigner;
import io.checkpass.core.foreign.nzcp.NzcpIssuer;
import io.checkpass.core.foreign.shc.ShcIssuer;
import io.checkpass.core.foreign.shc.ShcNumeric;
import io.checkpass.core.verify.Reason;
import io.checkpass.core.verify.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.Function;
import java.util.zip.Deflater;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The foreign-pass cases of {@code checkpass vectors} (docs/foreign-passes.md): EU DCCs (vaccination, booster,
 * partial series, tests, recovery, PS256, key usage, signer period, tampered, expired, unknown key), SMART Health
 * Cards and NZ COVID Passes, each made here by test issuers whose trust material {@link #trust()} puts in the main
 * bundle. Everything is self-contained: the certificates, keys and DID document are fresh on every run.
 */
public final class ForeignVectors {
    static final String SHC_ISS = "https://shc.vectors.checkpass.example";
    static final String NZCP_DID = "did:web:nzcp.vectors.checkpass.example";
    static final String NZCP_KID = "key-1";
    static final String REVOKED_RID = "revokedRid01";
    static final String REVOKED_UCI = "URN:UVCI:01DE/VECTORS/REVOKED";
    static final String REVOKED_CC_UCI = "URN:UVCI:01DE/VECTORS/REVOKED-CC";
    /** The UCI of vaccination(2, 2, …), which an unusable list and another signer's list hold. */
    static final String VACCINATED_UCI = "URN:UVCI:01DE/VECTORS/V22";

    private static final Instant CERTIFICATE_FROM = Instant.parse("2021-01-01T00:00:00Z");
    private static final Instant CERTIFICATE_UNTIL = Instant.parse("2023-01-01T00:00:00Z");

    private final Es256 es256;
    private final SecureRandom random;
    private final Instant at;
    private final String bundle;
    private final DccIssuer dcc;
    private final DccIssuer rsaDcc;
    private final DccIssuer testsOnlyDcc;
    private final DccIssuer untrustedDcc;
    private final KeyPair shcKey;
    private final ObjectNode shcJwk;
    private final KeyPair untrustedShcKey;
    private final ObjectNode untrustedShcJwk;
    private final KeyPair nzcpKey;
    /** Passes whose COSE signature a SIGNATURE revocation list holds (ES256 by dcc, PS256 by rsaDcc). */
    private final byte[] signatureRevoked;

    private final byte[] signatureRevokedPs256;
    private final List<Case> cases = new ArrayList<>();

    /** A DCC document signer: its key pair and certificate. */
    private record DccIssuer(KeyPair keys, X509Certificate certificate) {
        byte[] kid() {
            return DccSigner.specKid(certificate);
        }
    }

    ForeignVectors(Es256 es256, SecureRandom random, Instant at, String bundle) {
        this.es256 = es256;
        this.random = random;
        this.at = at;
        this.bundle = bundle;
        this.dcc = dccIssuer(keyPair("EC"), "SHA256withECDSA");
        this.rsaDcc = dccIssuer(keyPair("RSA"), "SHA256withRSA");
        this.testsOnlyDcc = dccIssuer(keyPair("EC"), "SHA256withECDSA", "1.3.6.1.4.1.1847.2021.1.1");
        this.untrustedDcc = dccIssuer(keyPair("EC"), "SHA256withECDSA");
        this.shcKey = keyPair("EC");
        this.shcJwk = jwk(shcKey, true);
        this.untrustedShcKey = keyPair("EC");
        this.untrustedShcJwk = jwk(untrustedShcKey, false);
        this.nzcpKey = keyPair("EC");
        byte[] vaccinated =
                cwt(vaccination(2, 2, "2021-10-01"), at.minus(Duration.ofDays(1)), at.plus(Duration.ofDays(180)));
        this.signatureRevoked = cose(dcc, KidIn.PROTECTED, vaccinated);
        this.signatureRevokedPs256 = cose(rsaDcc, KidIn.PROTECTED, vaccinated);
    }

    /**
     * One valid pass per format, issued shortly before {@code at}, and the trust material that vouches for them:
     * for tests that show foreign passes to a scanner (a DCC vaccination 2/2, an SHC with two Moderna doses, an NZCP),
     * a DCC that bends the schema (its dose numbers as strings), read with warnings, and the DCC issuer's signing of
     * any payload (issued a day before {@code at}, expiring 180 days after), for differential tests.
     */
    public record Samples(
            ObjectNode trust,
            String dcc,
            String dccPs256,
            String shc,
            String nzcp,
            String dccWithWarnings,
            Function<JsonNode, String> signDcc) {}

    /** Fresh test issuers and one valid pass of each format at {@code at}. */
    public static Samples samples(Es256 es256, Instant at) {
        ForeignVectors v = new ForeignVectors(es256, new SecureRandom(), at, NativeVectors.MAIN_BUNDLE);
        return new Samples(
                v.trust(),
                hc1(v.cose(
                        v.dcc,
                        KidIn.PROTECTED,
                        cwt(
                                vaccination(2, 2, "2021-10-01"),
                                at.minus(Duration.ofDays(1)),
                                at.plus(Duration.ofDays(180))))),
                hc1(v.cose(
                        v.rsaDcc,
                        KidIn.PROTECTED,
                        cwt(
                                vaccination(2, 2, "2021-10-01"),
                                at.minus(Duration.ofDays(1)),
                                at.plus(Duration.ofDays(180))))),
                ShcNumeric.encode(v.jws(
                        v.shcKey,
                        v.shcJwk,
                        shcPayload(SHC_ISS, at.minus(Duration.ofDays(2)).getEpochSecond(), null, "207", 2),
                        false)),
                v.nzcp(
                        NZCP_DID,
                        at.minus(Duration.ofDays(30)).getEpochSecond(),
                        at.plus(Duration.ofDays(365)).getEpochSecond(),
                        false),
                hc1(v.cose(
                        v.dcc,
                        KidIn.PROTECTED,
                        cwt(
                                dosesAsText(vaccination(2, 2, "2021-10-01")),
                                at.minus(Duration.ofDays(1)),
                                at.plus(Duration.ofDays(180))))),
                dgc -> hc1(v.cose(
                        v.dcc,
                        KidIn.PROTECTED,
                        cwt(dgc, at.minus(Duration.ofDays(1)), at.plus(Duration.ofDays(180))))));
    }

    /** The dose numbers as strings ("2"), which readers read with a warning for each. */
    private static ObjectNode dosesAsText(ObjectNode dgc) {
        ObjectNode entry = (ObjectNode) dgc.path("v").get(0);
        entry.put("dn", entry.path("dn").asText()).put("sd", entry.path("sd").asText());
        return dgc;
    }

    /**
     * What the vectors' main bundle carries: {@link #trust()} and, beside it, one unusable entry per format (a DCC
     * "certificate" that is none, an SHC issuer over http, an NZCP DID document of another DID). A scanner leaves
     * those out and keeps the rest working (docs/foreign-passes.md §2), so every valid foreign case must still pass.
     */
    ObjectNode bundleTrust() {
        ObjectNode trust = trust();
        // DCC revocation lists: a UCI, a country and UCI, two signatures; a list under another signer's key id holding
        // the UCI every valid vaccination case carries; and an unusable list (a hash twice) that would revoke them.
        ArrayNode lists = trust.withArray(ForeignTrust.DCC_REVOCATIONS);
        revocationList(lists, dcc, HashType.UCI, DccRevocations.hash(REVOKED_UCI));
        revocationList(lists, dcc, HashType.COUNTRYCODEUCI, DccRevocations.hash("DE" + REVOKED_CC_UCI));
        revocationList(
                lists,
                dcc,
                HashType.SIGNATURE,
                DccRevocations.signatureHash(CoseSign1.ALG_ES256, signatureOf(signatureRevoked)));
        revocationList(
                lists,
                rsaDcc,
                HashType.SIGNATURE,
                DccRevocations.signatureHash(CoseSign1.ALG_PS256, signatureOf(signatureRevokedPs256)));
        revocationList(lists, testsOnlyDcc, HashType.UCI, DccRevocations.hash(VACCINATED_UCI));
        byte[] twice = DccRevocations.hash(VACCINATED_UCI);
        revocationList(lists, dcc, HashType.UCI, twice, twice);
        trust.withArray("dcc")
                .addObject()
                .put("certificate", "bm90IGEgY2VydGlmaWNhdGU=")
                .put("country", "DE");
        ObjectNode shc = trust.withArray("shc").addObject().put("iss", "http://insecure.example");
        shc.putObject("jwks").putArray("keys").add(untrustedShcJwk);
        shc.putArray("crls");
        ObjectNode nzcp = trust.withArray("nzcp").addObject().put("did", "did:web:unusable.example");
        nzcp.set("didDocument", didDocument("did:web:unusable.example", NZCP_DID));
        return trust;
    }

    private static void revocationList(ArrayNode lists, DccIssuer issuer, HashType type, byte[]... hashes) {
        ObjectNode list = lists.addObject()
                .put("kid", Base64.getEncoder().encodeToString(issuer.kid()))
                .put("hashType", type.name());
        ArrayNode array = list.putArray("hashes");
        for (byte[] hash : hashes) {
            array.add(Base64.getEncoder().encodeToString(hash));
        }
    }

    private static byte[] signatureOf(byte[] cose) {
        return CoseSign1.decode(cose, 1024, 64 * 1024).signature();
    }

    /** The trust material of the test issuers (not of the untrusted ones), for the main bundle's foreign section. */
    ObjectNode trust() {
        ObjectNode crl = Json.MAPPER
                .createObjectNode()
                .put("kid", shcJwk.path("kid").asText())
                .put("method", "rid");
        crl.put("ctr", 1).putArray("rids").add(REVOKED_RID);
        ObjectNode jwks = Json.MAPPER.createObjectNode();
        jwks.putArray("keys").add(shcJwk);
        return ForeignTrust.empty()
                .withDccSigner(dcc.certificate())
                .withDccSigner(rsaDcc.certificate())
                .withDccSigner(testsOnlyDcc.certificate())
                .withShcIssuer(new ShcIssuer(SHC_ISS, jwks, List.of(crl)))
                .withNzcpIssuer(NzcpIssuer.of(didDocument(NZCP_DID, NZCP_DID)))
                .toJson();
    }

    /** Every foreign case, at lunch on the vectors' day (restaurants and karaoke bars require a pass). */
    List<Case> cases() {
        dccCases();
        lenientDccCases();
        revocationCases();
        datedDccCases();
        shcCases();
        nzcpCases();
        return List.copyOf(cases);
    }

    private void dccCases() {
        Instant iat = at.minus(Duration.ofDays(1));
        Instant exp = at.plus(Duration.ofDays(180));
        byte[] vaccinated = cwt(vaccination(2, 2, "2021-10-01"), iat, exp);
        String valid = hc1(cose(dcc, KidIn.PROTECTED, vaccinated));
        idCheck("DCC vaccination 2/2, ES256: CHECK_ID", NativeVectors.RESTAURANT, valid);
        one(
                "DCC booster 3/2 twelve days ago, before 3 Jan 2022, at a karaoke: the rules then told no booster apart,"
                        + " and a DCC names only its latest dose, so it counts from 14 days after it",
                NativeVectors.KARAOKE,
                hc1(cose(dcc, KidIn.PROTECTED, cwt(vaccination(3, 2, "2021-12-01"), iat, exp))),
                Expect.of(Verdict.DENY, Reason.NOT_YET_VALID));
        one(
                "DCC vaccination 2/2 of a vaccine Korea does not accept (Sputnik V): not proven at a karaoke",
                NativeVectors.KARAOKE,
                hc1(cose(dcc, KidIn.PROTECTED, cwt(vaccination(2, 2, "2021-10-01", "Sputnik-V"), iat, exp))),
                Expect.of(Verdict.DENY, Reason.STATUS_NOT_PROVEN));
        idCheck(
                "DCC vaccination 2/2 of CoronaVac, a WHO EUL vaccine: CHECK_ID at a karaoke",
                NativeVectors.KARAOKE,
                hc1(cose(dcc, KidIn.PROTECTED, cwt(vaccination(2, 2, "2021-10-01", "CoronaVac"), iat, exp))));
        one(
                "DCC vaccination 2/2 five days ago, at a karaoke: not valid until 14 days after the dose",
                NativeVectors.KARAOKE,
                hc1(cose(dcc, KidIn.PROTECTED, cwt(vaccination(2, 2, "2021-12-08"), iat, exp))),
                Expect.of(Verdict.DENY, Reason.NOT_YET_VALID));
        one(
                "DCC partial series 1/2 at a karaoke: unvaccinated, not accepted",
                NativeVectors.KARAOKE,
                hc1(cose(dcc, KidIn.PROTECTED, cwt(vaccination(1, 2, "2021-11-01"), iat, exp))),
                Expect.of(Verdict.DENY, Reason.NOT_ACCEPTED_HERE));
        one(
                "DCC partial series 1/2 at a restaurant: ID check with the unvaccinated condition",
                NativeVectors.RESTAURANT,
                hc1(cose(dcc, KidIn.PROTECTED, cwt(vaccination(1, 2, "2021-11-01"), iat, exp))),
                Expect.of(Verdict.CHECK_ID, Reason.ID_CHECK_REQUIRED).because("party_one_unvaccinated"));
        idCheck(
                "DCC test, not detected, sampled 5 hours ago: CHECK_ID",
                NativeVectors.KARAOKE,
                hc1(cose(dcc, KidIn.PROTECTED, cwt(test("260415000", at.minus(Duration.ofHours(5))), iat, exp))));
        one(
                "DCC test sampled 3 days ago: status expired at a karaoke",
                NativeVectors.KARAOKE,
                hc1(cose(dcc, KidIn.PROTECTED, cwt(test("260415000", at.minus(Duration.ofDays(3))), iat, exp))),
                Expect.of(Verdict.DENY, Reason.STATUS_EXPIRED));
        one(
                "DCC test, detected: unvaccinated, not accepted at a karaoke",
                NativeVectors.KARAOKE,
                hc1(cose(dcc, KidIn.PROTECTED, cwt(test("260373001", at.minus(Duration.ofHours(5))), iat, exp))),
                Expect.of(Verdict.DENY, Reason.NOT_ACCEPTED_HERE));
        idCheck(
                "DCC recovery: CHECK_ID",
                NativeVectors.KARAOKE,
                hc1(cose(dcc, KidIn.PROTECTED, cwt(recovery("2021-11-01", "2022-05-01"), iat, exp))));
        idCheck(
                "DCC vaccination, PS256 (RSA-2048 signer): CHECK_ID",
                NativeVectors.RESTAURANT,
                hc1(cose(rsaDcc, KidIn.PROTECTED, vaccinated)));
        idCheck(
                "DCC with its key id in the unprotected header: CHECK_ID",
                NativeVectors.RESTAURANT,
                hc1(cose(dcc, KidIn.UNPROTECTED, vaccinated)));
        one(
                "DCC at a venue with no pass requirement: ADMIT",
                "other",
                valid,
                Expect.of(Verdict.ADMIT, Reason.PASS_NOT_REQUIRED));

        byte[] altered = cose(dcc, KidIn.PROTECTED, vaccinated);
        int dn = indexOf(altered, "dn".getBytes(StandardCharsets.US_ASCII));
        altered[dn + 2] = 0x01; // dose 2 becomes dose 1, the signature unchanged
        deny("DCC tampered (dose number changed after signing): BAD_SIGNATURE", hc1(altered), Reason.BAD_SIGNATURE);
        byte[] flipped = cose(rsaDcc, KidIn.PROTECTED, vaccinated);
        flipped[flipped.length - 10] ^= 1;
        deny("DCC PS256 with a flipped signature bit: BAD_SIGNATURE", hc1(flipped), Reason.BAD_SIGNATURE);
        deny(
                "DCC signed by a certificate not in the bundle: UNKNOWN_KEY",
                hc1(cose(untrustedDcc, KidIn.PROTECTED, vaccinated)),
                Reason.UNKNOWN_KEY);
        deny("DCC naming no key: UNKNOWN_KEY", hc1(cose(dcc, KidIn.NOWHERE, vaccinated)), Reason.UNKNOWN_KEY);
        deny(
                "DCC issued before its signer certificate was valid: UNKNOWN_KEY",
                hc1(cose(
                        dcc,
                        KidIn.PROTECTED,
                        cwt(vaccination(2, 2, "2020-10-01"), Instant.parse("2020-12-01T00:00:00Z"), exp))),
                Reason.UNKNOWN_KEY);
        deny(
                "DCC vaccination signed by a tests-only certificate: KEY_NOT_AUTHORIZED",
                hc1(cose(testsOnlyDcc, KidIn.PROTECTED, vaccinated)),
                Reason.KEY_NOT_AUTHORIZED);
        idCheck(
                "DCC test signed by a tests-only certificate: CHECK_ID",
                NativeVectors.RESTAURANT,
                hc1(cose(
                        testsOnlyDcc,
                        KidIn.PROTECTED,
                        cwt(test("260415000", at.minus(Duration.ofHours(5))), iat, exp))));
        deny(
                "DCC expired an hour ago: CREDENTIAL_EXPIRED",
                hc1(cose(dcc, KidIn.PROTECTED, cwt(vaccination(2, 2, "2021-10-01"), iat, at.minusSeconds(3600)))),
                Reason.CREDENTIAL_EXPIRED);
        deny(
                "DCC issued an hour from now: NOT_YET_VALID",
                hc1(cose(dcc, KidIn.PROTECTED, cwt(vaccination(2, 2, "2021-10-01"), at.plusSeconds(3600), exp))),
                Reason.NOT_YET_VALID);
        ObjectNode both = vaccination(2, 2, "2021-10-01");
        both.set("t", test("260415000", at.minus(Duration.ofHours(5))).get("t"));
        idCheck(
                "DCC holding both a vaccination and a test, which the schema does not allow: the vaccination is read",
                NativeVectors.RESTAURANT,
                hc1(cose(dcc, KidIn.PROTECTED, cwt(both, iat, exp))));
        // The inflated COSE message at its limit (64 KiB, an unknown claim pads it) and a byte over.
        int overhead = cose(dcc, KidIn.PROTECTED, cwt(vaccination(2, 2, "2021-10-01"), iat, exp, 1000)).length - 1000;
        int fits = 64 * 1024 - overhead;
        idCheck(
                "DCC whose COSE message inflates to 65,536 bytes, the limit: CHECK_ID",
                NativeVectors.RESTAURANT,
                hc1(cose(dcc, KidIn.PROTECTED, cwt(vaccination(2, 2, "2021-10-01"), iat, exp, fits))));
        deny(
                "DCC whose COSE message inflates to 65,537 bytes: MALFORMED",
                hc1(cose(dcc, KidIn.PROTECTED, cwt(vaccination(2, 2, "2021-10-01"), iat, exp, fits + 1))),
                Reason.MALFORMED);
        deny(
                "DCC signed with ES256 whose header says PS256: BAD_SIGNATURE",
                hc1(cose(dcc, KidIn.PROTECTED, vaccinated, CoseSign1.ALG_PS256)),
                Reason.BAD_SIGNATURE);
        deny(
                "DCC whose header names an algorithm other than ES256 or PS256: MALFORMED",
                hc1(cose(dcc, KidIn.PROTECTED, vaccinated, -35)),
                Reason.MALFORMED);
        deny(
                "DCC whose zlib layer inflates to 2 MiB (a zip bomb): MALFORMED",
                "HC1:" + Base45.encode(deflate(new byte[2 * 1024 * 1024], false)),
                Reason.MALFORMED);
        cases.add(new Case(
                "DCC shown to a scanner whose bundle carries no medical rules (an older bundle): NO_MEDICAL_RULES",
                NativeVectors.NO_MEDICAL_RULES_BUNDLE,
                NativeVectors.RESTAURANT,
                List.of(new Step(valid, at, Expect.of(Verdict.DENY, Reason.NO_MEDICAL_RULES)))));
        deny("DCC cut short: MALFORMED", valid.substring(0, valid.length() - 30), Reason.MALFORMED);
        deny("DCC prefix only: MALFORMED", "HC1:", Reason.MALFORMED);
    }

    /**
     * Validly signed DCCs whose payload bends the schema the way real issuers did, one per class the readers read
     * leniently (Dgc): the page must give Java's verdict, reason, pass id and display for each.
     */
    private void lenientDccCases() {
        Instant iat = at.minus(Duration.ofDays(1));
        Instant exp = at.plus(Duration.ofDays(180));
        ObjectNode emptyValueSets = vaccination(2, 2, "2021-10-01");
        ((ObjectNode) emptyValueSets.path("v").get(0))
                .put("tg", "")
                .put("vp", "")
                .put("ma", "")
                .put("co", "");
        lenient(
                "empty value-set codes (tg, vp, ma, co): CHECK_ID",
                NativeVectors.RESTAURANT,
                emptyValueSets,
                iat,
                exp,
                ID);
        ObjectNode noProduct = vaccination(2, 2, "2021-10-01");
        ((ObjectNode) noProduct.path("v").get(0)).put("mp", "");
        lenient(
                "empty product (mp) at a karaoke: genuine, but proves no status: STATUS_NOT_PROVEN",
                NativeVectors.KARAOKE,
                noProduct,
                iat,
                exp,
                NOT_PROVEN);
        lenient(
                "empty product (mp) at a restaurant: read as unvaccinated, ID check with the condition",
                NativeVectors.RESTAURANT,
                noProduct,
                iat,
                exp,
                Expect.of(Verdict.CHECK_ID, Reason.ID_CHECK_REQUIRED).because("party_one_unvaccinated"));
        for (String dob :
                List.of("1964", "1964-08", "1963-00", "1964-00-00", "1964-08-12T00:00:00", "1964-08-12T00:00:00Z")) {
            lenient(
                    "date of birth " + dob + ": its year",
                    NativeVectors.RESTAURANT,
                    vaccination(2, 2, "2021-10-01").put("dob", dob),
                    iat,
                    exp,
                    ID);
        }
        for (String dob : List.of("1850-01-01", "2100", "2101-01-01", "", "unknown")) {
            lenient(
                    "date of birth '" + dob + "': CHECK_ID, a birth year only from 1900 to 2100",
                    NativeVectors.RESTAURANT,
                    vaccination(2, 2, "2021-10-01").put("dob", dob),
                    iat,
                    exp,
                    ID);
        }
        ObjectNode numericDob = vaccination(2, 2, "2021-10-01");
        numericDob.put("dob", 1964);
        lenient("date of birth as the number 1964: its year", NativeVectors.RESTAURANT, numericDob, iat, exp, ID);
        ObjectNode noName = vaccination(2, 2, "2021-10-01");
        noName.remove("nam");
        lenient("no name (nam): CHECK_ID, nothing to show", NativeVectors.RESTAURANT, noName, iat, exp, ID);
        ObjectNode transliterated = vaccination(2, 2, "2021-10-01");
        ((ObjectNode) transliterated.path("nam")).remove(List.of("fn", "gn"));
        ((ObjectNode) transliterated.path("nam")).put("fnt", "MUSTER<MANN").put("gnt", "ERIKA<MARIA");
        lenient("only the transliterated name: shown", NativeVectors.RESTAURANT, transliterated, iat, exp, ID);
        lenient(
                "vaccination dated by its month (2021-10, read as its last day): CHECK_ID",
                NativeVectors.KARAOKE,
                vaccination(2, 2, "2021-10"),
                iat,
                exp,
                ID);
        lenient(
                "vaccination dated by its year (2021, read as 31 December): not yet valid at a karaoke",
                NativeVectors.KARAOKE,
                vaccination(2, 2, "2021"),
                iat,
                exp,
                Expect.of(Verdict.DENY, Reason.NOT_YET_VALID));
        lenient(
                "vaccination dated 2021-12-00 (read as 31 December): not yet valid at a karaoke",
                NativeVectors.KARAOKE,
                vaccination(2, 2, "2021-12-00"),
                iat,
                exp,
                Expect.of(Verdict.DENY, Reason.NOT_YET_VALID));
        lenient(
                "vaccination dated with a date-time: CHECK_ID",
                NativeVectors.KARAOKE,
                vaccination(2, 2, "2021-10-01T10:00:00+02:00"),
                iat,
                exp,
                ID);
        lenient(
                "vaccination dated 31 September (read as 30 September): CHECK_ID",
                NativeVectors.KARAOKE,
                vaccination(2, 2, "2021-09-31"),
                iat,
                exp,
                ID);
        lenient(
                "vaccination with an unreadable date: STATUS_NOT_PROVEN at a karaoke",
                NativeVectors.KARAOKE,
                vaccination(2, 2, "1st October"),
                iat,
                exp,
                NOT_PROVEN);
        lenient(
                "dose 0 of 2 at a karaoke: STATUS_NOT_PROVEN",
                NativeVectors.KARAOKE,
                vaccination(0, 2, "2021-10-01"),
                iat,
                exp,
                NOT_PROVEN);
        ObjectNode strings = vaccination(2, 2, "2021-10-01");
        ((ObjectNode) strings.path("v").get(0)).put("dn", "2").put("sd", "2");
        lenient("dose numbers as strings (\"2\" of \"2\"): CHECK_ID", NativeVectors.KARAOKE, strings, iat, exp, ID);
        ObjectNode floats = vaccination(2, 2, "2021-10-01");
        ((ObjectNode) floats.path("v").get(0)).put("dn", 3.0).put("sd", 2.0);
        lenient(
                "dose numbers as floats (3.0 of 2.0): a booster, CHECK_ID",
                NativeVectors.KARAOKE,
                floats,
                iat,
                exp,
                ID);
        ObjectNode twoEntries = vaccination(1, 2, "2021-09-01");
        twoEntries.withArray("v").add(vaccination(2, 2, "2021-10-01").path("v").get(0));
        lenient(
                "two vaccination entries (1/2, then 2/2): the most recent is read",
                NativeVectors.KARAOKE,
                twoEntries,
                iat,
                exp,
                ID);
        ObjectNode reversed = vaccination(2, 2, "2021-10-01");
        reversed.withArray("v").add(vaccination(1, 2, "2021-09-01").path("v").get(0));
        lenient(
                "two vaccination entries (2/2, then 1/2): the most recent is read",
                NativeVectors.KARAOKE,
                reversed,
                iat,
                exp,
                ID);
        ObjectNode sameDay = vaccination(2, 2, "2021-10-01");
        sameDay.withArray("v").add(vaccination(3, 2, "2021-10-01").path("v").get(0));
        lenient(
                "two vaccination entries of one day (2/2, 3/2): the higher dose is read",
                NativeVectors.KARAOKE,
                sameDay,
                iat,
                exp,
                ID);
        ObjectNode testAndRecovery = recovery("2021-11-01", "2022-05-01");
        testAndRecovery.set(
                "t", test("260373001", at.minus(Duration.ofHours(5))).get("t"));
        lenient(
                "a recovery and a positive test: the test is read (v, then t, then r), not accepted at a karaoke",
                NativeVectors.KARAOKE,
                testAndRecovery,
                iat,
                exp,
                Expect.of(Verdict.DENY, Reason.NOT_ACCEPTED_HERE));
        ObjectNode brokenV = recovery("2021-11-01", "2022-05-01");
        brokenV.put("v", "not a list");
        lenient(
                "a v that is not a list beside a recovery: the recovery is read",
                NativeVectors.KARAOKE,
                brokenV,
                iat,
                exp,
                ID);
        lenient(
                "a recovery ending 2022-05 (read as its first day): CHECK_ID",
                NativeVectors.KARAOKE,
                recovery("2021-11", "2022-05"),
                iat,
                exp,
                ID);
        ObjectNode compactOffset = test("260415000", at.minus(Duration.ofHours(5)));
        ((ObjectNode) compactOffset.path("t").get(0))
                .put(
                        "sc",
                        at.minus(Duration.ofHours(5))
                                        .atOffset(ZoneOffset.ofHours(9))
                                        .toLocalDateTime() + "+0900");
        lenient(
                "a test sampled at a time with offset +0900: CHECK_ID",
                NativeVectors.KARAOKE,
                compactOffset,
                iat,
                exp,
                ID);
        ObjectNode emptyResult = test("", at.minus(Duration.ofHours(5)));
        lenient(
                "a test with an empty result at a karaoke: STATUS_NOT_PROVEN",
                NativeVectors.KARAOKE,
                emptyResult,
                iat,
                exp,
                NOT_PROVEN);
        ObjectNode unknownResult = test("1240581000000104", at.minus(Duration.ofHours(5)));
        lenient(
                "a test with a result outside the value set at a karaoke: STATUS_NOT_PROVEN",
                NativeVectors.KARAOKE,
                unknownResult,
                iat,
                exp,
                NOT_PROVEN);
        ObjectNode noEntry = person();
        lenient(
                "no v, t or r entry at a karaoke: STATUS_NOT_PROVEN",
                NativeVectors.KARAOKE,
                noEntry,
                iat,
                exp,
                NOT_PROVEN);
        ObjectNode noCi = vaccination(2, 2, "2021-10-01");
        ((ObjectNode) noCi.path("v").get(0)).remove("ci");
        lenient(
                "no certificate id (ci): the pass id is a hash of the signature",
                NativeVectors.KARAOKE,
                noCi,
                iat,
                exp,
                ID);
        ObjectNode numericCi = vaccination(2, 2, "2021-10-01");
        ((ObjectNode) numericCi.path("v").get(0)).put("ci", 12345);
        lenient("a certificate id that is a number: read as its text", NativeVectors.KARAOKE, numericCi, iat, exp, ID);
        ObjectNode testBesideVaccination = test("260415000", at.minus(Duration.ofHours(5)));
        testBesideVaccination.set("v", vaccination(2, 2, "2021-10-01").get("v"));
        deny(
                "DCC lenient: a test beside a vaccination, signed by a tests-only certificate: KEY_NOT_AUTHORIZED",
                hc1(cose(testsOnlyDcc, KidIn.PROTECTED, cwt(testBesideVaccination, iat, exp))),
                Reason.KEY_NOT_AUTHORIZED);
        ObjectNode testBesideBrokenV = test("260415000", at.minus(Duration.ofHours(5)));
        testBesideBrokenV.put("v", "not a list");
        deny(
                "DCC lenient: a test beside a v that is not a list, by a tests-only certificate: KEY_NOT_AUTHORIZED",
                hc1(cose(testsOnlyDcc, KidIn.PROTECTED, cwt(testBesideBrokenV, iat, exp))),
                Reason.KEY_NOT_AUTHORIZED);
        idCheck(
                "CWT whose issuer (iss) is a number: left aside, CHECK_ID",
                NativeVectors.RESTAURANT,
                hc1(cose(dcc, KidIn.PROTECTED, cwt(vaccination(2, 2, "2021-10-01"), iat, exp, -1, false))));
        deny(
                "a payload that is not a map: MALFORMED",
                hc1(cose(dcc, KidIn.PROTECTED, cwt(Json.MAPPER.getNodeFactory().textNode("v"), iat, exp))),
                Reason.MALFORMED);
        idCheck(
                "DCC at its exp second, which hcert counts as valid: CHECK_ID",
                NativeVectors.RESTAURANT,
                hc1(cose(dcc, KidIn.PROTECTED, cwt(vaccination(2, 2, "2021-10-01"), iat, at))));
        deny(
                "DCC a second after its exp: CREDENTIAL_EXPIRED",
                hc1(cose(dcc, KidIn.PROTECTED, cwt(vaccination(2, 2, "2021-10-01"), iat, at.minusSeconds(1)))),
                Reason.CREDENTIAL_EXPIRED);
    }

    /** Revocation: each list of {@link #bundleTrust()} refuses what it holds, in Java and in the page. */
    private void revocationCases() {
        Instant iat = at.minus(Duration.ofDays(1));
        Instant exp = at.plus(Duration.ofDays(180));
        deny(
                "DCC whose UCI a revocation list of its signer holds: REVOKED",
                hc1(cose(dcc, KidIn.PROTECTED, cwt(withCi(vaccination(2, 2, "2021-10-01"), REVOKED_UCI), iat, exp))),
                Reason.REVOKED);
        deny(
                "DCC whose country (iss) and UCI a revocation list holds: REVOKED",
                hc1(cose(dcc, KidIn.PROTECTED, cwt(withCi(vaccination(2, 2, "2021-10-01"), REVOKED_CC_UCI), iat, exp))),
                Reason.REVOKED);
        deny(
                "DCC whose iss is no text, its entry's co and UCI listed: REVOKED",
                hc1(cose(
                        dcc,
                        KidIn.PROTECTED,
                        cwt(withCi(vaccination(2, 2, "2021-10-01"), REVOKED_CC_UCI), iat, exp, -1, false))),
                Reason.REVOKED);
        deny("DCC whose ES256 signature (r) is listed: REVOKED", hc1(signatureRevoked), Reason.REVOKED);
        deny("DCC whose PS256 signature is listed: REVOKED", hc1(signatureRevokedPs256), Reason.REVOKED);
        ObjectNode olderListed = withCi(vaccination(1, 2, "2021-09-01"), REVOKED_UCI);
        olderListed.withArray("v").add(vaccination(2, 2, "2021-10-01").path("v").get(0));
        deny(
                "DCC with two entries, the older one's UCI listed: REVOKED",
                hc1(cose(dcc, KidIn.PROTECTED, cwt(olderListed, iat, exp))),
                Reason.REVOKED);
        idCheck(
                "DCC whose UCI only another signer's list holds: CHECK_ID",
                NativeVectors.RESTAURANT,
                hc1(cose(dcc, KidIn.PROTECTED, cwt(vaccination(2, 2, "2021-10-01"), iat, exp))));
    }

    private static ObjectNode withCi(ObjectNode dgc, String ci) {
        ((ObjectNode) dgc.path("v").get(0)).put("ci", ci);
        return dgc;
    }

    private static final Expect ID = Expect.of(Verdict.CHECK_ID, Reason.ID_CHECK_REQUIRED);
    private static final Expect NOT_PROVEN = Expect.of(Verdict.DENY, Reason.STATUS_NOT_PROVEN);

    private void lenient(String name, String venueType, JsonNode dgc, Instant iat, Instant exp, Expect expect) {
        one("DCC lenient: " + name, venueType, hc1(cose(dcc, KidIn.PROTECTED, cwt(dgc, iat, exp))), expect);
    }

    /**
     * DCCs at the instants where the Korean rules turn (docs/medical-rules.md), each judged at its own instant with a
     * certificate issued the day before: the day 13/14 after the primary series, day 180/181 of its validity from
     * 3 Jan 2022 (and the guidance week), the booster, a PCR at 47 h and 49 h (48 h, to midnight), rapid antigen
     * tests before and from 3 Feb 2022, and a recovery's 180 days. At a karaoke bar, which asks for a pass throughout.
     */
    private void datedDccCases() {
        // Dose 2 on 20 Nov 2021: vaccinated from 00:00 KST on 4 Dec, 14 days after.
        dated(
                "DCC 2/2 on 2021-11-20: day 13 after the primary series not yet, day 14 from 00:00 KST",
                vaccination(2, 2, "2021-11-20"),
                step(NativeVectors.kst(2021, 12, 3, 23, 59, 59), Verdict.DENY, Reason.NOT_YET_VALID),
                step(NativeVectors.kst(2021, 12, 4, 0, 0, 0), Verdict.CHECK_ID, Reason.ID_CHECK_REQUIRED));
        // Dose 2 on 20 Jul 2021: valid through 24:00 on 16 Jan 2022, day 180 (after the guidance week).
        dated(
                "DCC 2/2 on 2021-07-20: valid through day 180 (2022-01-16 24:00 KST), expired on day 181",
                vaccination(2, 2, "2021-07-20"),
                step(NativeVectors.kst(2022, 1, 16, 23, 59, 59), Verdict.CHECK_ID, Reason.ID_CHECK_REQUIRED),
                step(NativeVectors.kst(2022, 1, 17, 0, 0, 0), Verdict.DENY, Reason.STATUS_EXPIRED));
        // Dose 2 on 10 Jul 2021: the KDCA example, valid through 6 Jan 2022; day 181 falls in the guidance week.
        dated(
                "DCC 2/2 on 2021-07-10: day 180 valid, day 181 in the guidance week admitted with its notice",
                vaccination(2, 2, "2021-07-10"),
                step(NativeVectors.kst(2022, 1, 6, 23, 59, 59), Verdict.CHECK_ID, Reason.ID_CHECK_REQUIRED),
                step(NativeVectors.kst(2022, 1, 7, 0, 0, 0), Verdict.CHECK_ID, Reason.GUIDANCE_PERIOD));
        dated(
                "DCC booster 3/3 on 2021-08-01: from 3 Jan 2022 a booster counts at once and does not expire",
                vaccination(3, 3, "2021-08-01"),
                step(NativeVectors.kst(2022, 2, 20, 12, 0, 0), Verdict.CHECK_ID, Reason.ID_CHECK_REQUIRED));
        dated(
                "DCC Janssen 1/1 on 2021-08-01: a complete series, expired after 180 days",
                janssen(vaccination(1, 1, "2021-08-01")),
                step(NativeVectors.kst(2022, 1, 28, 23, 59, 59), Verdict.CHECK_ID, Reason.ID_CHECK_REQUIRED),
                step(NativeVectors.kst(2022, 1, 29, 0, 0, 0), Verdict.DENY, Reason.STATUS_EXPIRED));
        // A PCR sampled at 23:30: 48 hours end at 23:30 two days later, extended to that day's 24:00.
        Instant late = NativeVectors.kst(2022, 1, 20, 23, 30, 0);
        dated(
                "DCC PCR sampled 2022-01-20 23:30 KST: valid at 47 h, expired at 49 h (past 24:00 of the 48th hour's day)",
                test("260415000", late),
                step(late.plus(Duration.ofHours(47)), Verdict.CHECK_ID, Reason.ID_CHECK_REQUIRED),
                step(late.plus(Duration.ofHours(49)), Verdict.DENY, Reason.STATUS_EXPIRED));
        Instant morning = NativeVectors.kst(2022, 1, 20, 10, 0, 0);
        dated(
                "DCC PCR sampled 2022-01-20 10:00 KST: still valid at 49 h, to 24:00 of the day 48 hours end",
                test("260415000", morning),
                step(morning.plus(Duration.ofHours(47)), Verdict.CHECK_ID, Reason.ID_CHECK_REQUIRED),
                step(morning.plus(Duration.ofHours(49)), Verdict.CHECK_ID, Reason.ID_CHECK_REQUIRED),
                step(NativeVectors.kst(2022, 1, 23, 0, 0, 0), Verdict.DENY, Reason.STATUS_EXPIRED));
        Instant beforeDecree = NativeVectors.kst(2022, 2, 2, 12, 0, 0);
        dated(
                "DCC rapid antigen test on 2022-02-02, before the decree of 3 Feb 2022: proves nothing Korea counts",
                rapidAntigen(test("260415000", beforeDecree)),
                step(beforeDecree.plus(Duration.ofHours(6)), Verdict.DENY, Reason.NOT_ACCEPTED_HERE));
        Instant fromDecree = NativeVectors.kst(2022, 2, 3, 12, 0, 0);
        dated(
                "DCC rapid antigen test on 2022-02-03: valid 24 hours from 3 Feb 2022",
                rapidAntigen(test("260415000", fromDecree)),
                step(fromDecree.plus(Duration.ofHours(23)), Verdict.CHECK_ID, Reason.ID_CHECK_REQUIRED),
                step(fromDecree.plus(Duration.ofHours(25)), Verdict.DENY, Reason.STATUS_EXPIRED));
        dated(
                "DCC recovery valid from 2021-08-01: 180 days, through 2022-01-28 24:00 KST",
                recovery("2021-08-01", "2022-08-01"),
                step(NativeVectors.kst(2022, 1, 28, 23, 59, 59), Verdict.CHECK_ID, Reason.ID_CHECK_REQUIRED),
                step(NativeVectors.kst(2022, 1, 29, 0, 0, 0), Verdict.DENY, Reason.STATUS_EXPIRED));
    }

    /** One step of a dated case: the instant and what the door must say then. */
    private static Step step(Instant at, Verdict verdict, Reason reason) {
        return new Step(null, at, Expect.of(verdict, reason));
    }

    /**
     * A case at a karaoke bar whose steps show one DCC at their instants; each step gets a certificate issued a day
     * before it (so that the credential itself is valid whenever the step is).
     */
    private void dated(String name, ObjectNode dgc, Step... steps) {
        List<Step> out = new ArrayList<>();
        for (Step s : steps) {
            byte[] claims = cwt(dgc, s.at().minus(Duration.ofDays(1)), s.at().plus(Duration.ofDays(180)));
            out.add(new Step(hc1(cose(dcc, KidIn.PROTECTED, claims)), s.at(), s.expect()));
        }
        cases.add(new Case(name, bundle, NativeVectors.KARAOKE, List.copyOf(out)));
    }

    private static ObjectNode janssen(ObjectNode dgc) {
        ((ObjectNode) dgc.path("v").get(0)).put("mp", "EU/1/20/1525");
        return dgc;
    }

    private static ObjectNode rapidAntigen(ObjectNode dgc) {
        ((ObjectNode) dgc.path("t").get(0)).put("tt", "LP217198-3");
        return dgc;
    }

    private void shcCases() {
        long nbf = at.minus(Duration.ofDays(2)).getEpochSecond();
        String valid = ShcNumeric.encode(jws(shcKey, shcJwk, shcPayload(SHC_ISS, nbf, null, "207", 2), false));
        idCheck("SHC two Moderna doses: CHECK_ID", NativeVectors.RESTAURANT, valid);
        shcChunks(nbf);
        one(
                "SHC one Moderna dose at a karaoke: unvaccinated, not accepted",
                NativeVectors.KARAOKE,
                ShcNumeric.encode(jws(shcKey, shcJwk, shcPayload(SHC_ISS, nbf, null, "207", 1), false)),
                Expect.of(Verdict.DENY, Reason.NOT_ACCEPTED_HERE));
        one(
                "SHC two doses of a vaccine Korea does not accept (CVX 500, unspecified): not proven at a karaoke",
                NativeVectors.KARAOKE,
                ShcNumeric.encode(jws(shcKey, shcJwk, shcPayload(SHC_ISS, nbf, null, "500", 2), false)),
                Expect.of(Verdict.DENY, Reason.STATUS_NOT_PROVEN));
        idCheck(
                "SHC one Janssen dose: a complete series, CHECK_ID",
                NativeVectors.KARAOKE,
                ShcNumeric.encode(jws(shcKey, shcJwk, shcPayload(SHC_ISS, nbf, null, "212", 1), false)));
        deny(
                "SHC whose revocation id the issuer's CRL lists: REVOKED",
                ShcNumeric.encode(jws(shcKey, shcJwk, shcPayload(SHC_ISS, nbf, REVOKED_RID, "207", 2), false)),
                Reason.REVOKED);
        idCheck(
                "SHC with a revocation id the CRL does not list: CHECK_ID",
                NativeVectors.RESTAURANT,
                ShcNumeric.encode(jws(shcKey, shcJwk, shcPayload(SHC_ISS, nbf, "notRevoked01", "207", 2), false)));
        deny(
                "SHC signed by a trusted key but naming another issuer: UNKNOWN_KEY",
                ShcNumeric.encode(jws(shcKey, shcJwk, shcPayload("https://other.example", nbf, null, "207", 2), false)),
                Reason.UNKNOWN_KEY);
        deny(
                "SHC signed by a key not in the bundle: UNKNOWN_KEY",
                ShcNumeric.encode(
                        jws(untrustedShcKey, untrustedShcJwk, shcPayload(SHC_ISS, nbf, null, "207", 2), false)),
                Reason.UNKNOWN_KEY);
        deny(
                "SHC with a DER-encoded signature: BAD_SIGNATURE",
                ShcNumeric.encode(jws(shcKey, shcJwk, shcPayload(SHC_ISS, nbf, null, "207", 2), true)),
                Reason.BAD_SIGNATURE);
        deny(
                "SHC by an issuer whose bundle entry is unusable (http): UNKNOWN_KEY",
                ShcNumeric.encode(jws(
                        untrustedShcKey,
                        untrustedShcJwk,
                        shcPayload("http://insecure.example", nbf, null, "207", 2),
                        false)),
                Reason.UNKNOWN_KEY);
        ObjectNode expired = shcPayload(SHC_ISS, nbf, null, "207", 2);
        expired.put("exp", at.minusSeconds(60).getEpochSecond());
        deny(
                "SHC expired a minute ago: CREDENTIAL_EXPIRED",
                ShcNumeric.encode(jws(shcKey, shcJwk, expired, false)),
                Reason.CREDENTIAL_EXPIRED);
        deny("SHC with an odd number of digits: MALFORMED", valid.substring(0, valid.length() - 1), Reason.MALFORMED);
        deny("SHC with a pair above 77: MALFORMED", "shc:/78" + valid.substring(7), Reason.MALFORMED);
    }

    private void nzcpCases() {
        long nbf = at.minus(Duration.ofDays(30)).getEpochSecond();
        long exp = at.plus(Duration.ofDays(365)).getEpochSecond();
        String valid = nzcp(NZCP_DID, nbf, exp, false);
        // An NZCP states "vaccinated" without doses or dates: Korea's rules cannot check it, so it counts as
        // unvaccinated, which a restaurant admits under its condition and a karaoke bar refuses as not proven.
        one(
                "NZCP at a restaurant: proves no status Korea can check, ID check with the unvaccinated condition",
                NativeVectors.RESTAURANT,
                valid,
                Expect.of(Verdict.CHECK_ID, Reason.ID_CHECK_REQUIRED).because("party_one_unvaccinated"));
        one(
                "NZCP at a karaoke: STATUS_NOT_PROVEN",
                NativeVectors.KARAOKE,
                valid,
                Expect.of(Verdict.DENY, Reason.STATUS_NOT_PROVEN));
        deny(
                "NZCP with one signature byte changed: BAD_SIGNATURE",
                nzcp(NZCP_DID, nbf, exp, true),
                Reason.BAD_SIGNATURE);
        deny(
                "NZCP expired a minute ago: CREDENTIAL_EXPIRED",
                nzcp(NZCP_DID, nbf, at.minusSeconds(60).getEpochSecond(), false),
                Reason.CREDENTIAL_EXPIRED);
        deny(
                "NZCP from an issuer not in the bundle: UNKNOWN_KEY",
                nzcp("did:web:other.example", nbf, exp, false),
                Reason.UNKNOWN_KEY);
        deny(
                "NZCP from an issuer whose bundle entry is unusable (its DID document is another's): UNKNOWN_KEY",
                nzcp("did:web:unusable.example", nbf, exp, false),
                Reason.UNKNOWN_KEY);
        deny(
                "NZCP naming no key in its protected header: UNKNOWN_KEY",
                nzcp(NZCP_DID, nbf, exp, false, false),
                Reason.UNKNOWN_KEY);
        deny(
                "NZCP in lower-case Base32: MALFORMED",
                "NZCP:/1/" + valid.substring(8).toLowerCase(),
                Reason.MALFORMED);
        deny("NZCP version 2: UNSUPPORTED_FORMAT", "NZCP:/2/" + valid.substring(8), Reason.UNSUPPORTED_FORMAT);
    }

    // ---------------------------------------------------------------------------------------------------------

    private void idCheck(String name, String venueType, String text) {
        one(name, venueType, text, Expect.of(Verdict.CHECK_ID, Reason.ID_CHECK_REQUIRED));
    }

    private void deny(String name, String text, Reason reason) {
        one(name, NativeVectors.RESTAURANT, text, Expect.of(Verdict.DENY, reason));
    }

    private void one(String name, String venueType, String text, Expect expect) {
        cases.add(new Case(name, bundle, venueType, List.of(new Step(text, at, expect))));
    }

    private static KeyPair keyPair(String algorithm) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("EC")) {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            } else {
                generator.initialize(2048);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private DccIssuer dccIssuer(KeyPair keys, String certificateSignature, String... keyUsageOids) {
        try {
            X500Name name = new X500Name("CN=checkpass vectors DSC, C=DE");
            var builder = new JcaX509v3CertificateBuilder(
                    name,
                    new BigInteger(63, random),
                    Date.from(CERTIFICATE_FROM),
                    Date.from(CERTIFICATE_UNTIL),
                    name,
                    keys.getPublic());
            if (keyUsageOids.length > 0) {
                KeyPurposeId[] purposes = Arrays.stream(keyUsageOids)
                        .map(oid -> KeyPurposeId.getInstance(new ASN1ObjectIdentifier(oid)))
                        .toArray(KeyPurposeId[]::new);
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
            }
            var holder = builder.build(new JcaContentSignerBuilder(certificateSignature).build(keys.getPrivate()));
            return new DccIssuer(keys, new JcaX509CertificateConverter().getCertificate(holder));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode person() {
        ObjectNode dgc = Json.MAPPER.createObjectNode().put("ver", "1.3.0").put("dob", "1964-08-12");
        dgc.putObject("nam")
                .put("fn", "Mustermann")
                .put("fnt", "MUSTERMANN")
                .put("gn", "Erika")
                .put("gnt", "ERIKA");
        return dgc;
    }

    private static ObjectNode vaccination(int dn, int sd, String dt) {
        return vaccination(dn, sd, dt, "EU/1/20/1528");
    }

    private static ObjectNode vaccination(int dn, int sd, String dt, String mp) {
        ObjectNode dgc = person();
        dgc.putArray("v")
                .addObject()
                .put("tg", "840539006")
                .put("vp", "1119349007")
                .put("mp", mp)
                .put("ma", "ORG-100030215")
                .put("dn", dn)
                .put("sd", sd)
                .put("dt", dt)
                .put("co", "DE")
                .put("is", "Robert Koch-Institut")
                .put("ci", "URN:UVCI:01DE/VECTORS/V" + dn + sd);
        return dgc;
    }

    private static ObjectNode test(String tr, Instant sampled) {
        ObjectNode dgc = person();
        dgc.putArray("t")
                .addObject()
                .put("tg", "840539006")
                .put("tt", "LP6464-4")
                .put("sc", sampled.toString())
                .put("tr", tr)
                .put("tc", "Testzentrum")
                .put("co", "DE")
                .put("is", "Robert Koch-Institut")
                .put("ci", "URN:UVCI:01DE/VECTORS/T");
        return dgc;
    }

    private static ObjectNode recovery(String df, String du) {
        ObjectNode dgc = person();
        dgc.putArray("r")
                .addObject()
                .put("tg", "840539006")
                .put("fr", "2021-10-20")
                .put("df", df)
                .put("du", du)
                .put("co", "DE")
                .put("is", "Robert Koch-Institut")
                .put("ci", "URN:UVCI:01DE/VECTORS/R");
        return dgc;
    }

    /** CWT claims {1: "DE", 4: exp, 6: iat, -260: {1: dgc}} with integer keys, as HCERT has them. */
    private static byte[] cwt(JsonNode dgc, Instant issuedAt, Instant expires) {
        return cwt(dgc, issuedAt, expires, -1);
    }

    /** The claims with an unknown claim 99 holding {@code pad} zero bytes (none when negative). */
    private static byte[] cwt(JsonNode dgc, Instant issuedAt, Instant expires, int pad) {
        return cwt(dgc, issuedAt, expires, pad, true);
    }

    /** As above; without {@code textIssuer}, iss is the number 276 (Germany's ISO numeric code), not text. */
    private static byte[] cwt(JsonNode dgc, Instant issuedAt, Instant expires, int pad, boolean textIssuer) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (CBORGenerator gen = Cbor.FACTORY.createGenerator(out)) {
                gen.writeStartObject();
                gen.writeFieldId(1);
                if (textIssuer) {
                    gen.writeString("DE");
                } else {
                    gen.writeNumber(276);
                }
                gen.writeFieldId(4);
                gen.writeNumber(expires.getEpochSecond());
                gen.writeFieldId(6);
                gen.writeNumber(issuedAt.getEpochSecond());
                gen.writeFieldId(-260);
                gen.writeStartObject();
                gen.writeFieldId(1);
                Cbor.MAPPER.writeTree(gen, dgc);
                gen.writeEndObject();
                if (pad >= 0) {
                    gen.writeFieldId(99);
                    gen.writeBinary(new byte[pad]);
                }
                gen.writeEndObject();
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private enum KidIn {
        PROTECTED,
        UNPROTECTED,
        NOWHERE
    }

    /** A COSE_Sign1 by {@code issuer}, ES256 or PS256 by its key, naming its HCERT key id as asked. */
    private byte[] cose(DccIssuer issuer, KidIn where, byte[] payload) {
        boolean rsa = issuer.keys().getPublic().getAlgorithm().equals("RSA");
        return cose(issuer, where, payload, rsa ? CoseSign1.ALG_PS256 : CoseSign1.ALG_ES256);
    }

    /** As above, but the header names {@code alg}, whatever the key signs with. */
    private byte[] cose(DccIssuer issuer, KidIn where, byte[] payload, int alg) {
        boolean rsa = issuer.keys().getPublic().getAlgorithm().equals("RSA");
        CborWriter header = new CborWriter(16)
                .map(where == KidIn.PROTECTED ? 2 : 1)
                .key(CoseSign1.HEADER_ALG)
                .integer(alg);
        if (where == KidIn.PROTECTED) {
            header.key(CoseSign1.HEADER_KID).bytes(issuer.kid());
        }
        byte[] protectedBytes = header.endMap().toBytes();
        byte[] toBeSigned = CoseSign1.toBeSigned(protectedBytes, new byte[0], payload);
        byte[] signature = rsa
                ? ps256(issuer.keys().getPrivate(), toBeSigned)
                : es256.sign(es256.importPrivate(issuer.keys().getPrivate()), toBeSigned);
        CborWriter message = new CborWriter(64 + payload.length).array(4).bytes(protectedBytes);
        if (where == KidIn.UNPROTECTED) {
            message.map(1).key(CoseSign1.HEADER_KID).bytes(issuer.kid()).endMap();
        } else {
            message.map(0).endMap();
        }
        return message.bytes(payload).bytes(signature).endArray().toBytes();
    }

    private static byte[] ps256(PrivateKey key, byte[] message) {
        try {
            Signature signer = Signature.getInstance("RSASSA-PSS");
            signer.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
            signer.initSign(key);
            signer.update(message);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hc1(byte[] cose) {
        return "HC1:" + Base45.encode(deflate(cose, false));
    }

    private static byte[] deflate(byte[] data, boolean raw) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, raw);
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    /** The public JWK of an SHC key, with its thumbprint as kid; {@code crl} adds crlVersion 1. */
    private static ObjectNode jwk(KeyPair keys, boolean crl) {
        ECPublicKey key = (ECPublicKey) keys.getPublic();
        EcJwk jwk = new EcJwk(
                unsigned32(key.getW().getAffineX()), unsigned32(key.getW().getAffineY()));
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        ObjectNode node = Json.MAPPER
                .createObjectNode()
                .put("kty", "EC")
                .put("kid", jwk.thumbprint())
                .put("use", "sig")
                .put("alg", "ES256")
                .put("crv", "P-256")
                .put("x", b64.encodeToString(jwk.x()))
                .put("y", b64.encodeToString(jwk.y()));
        if (crl) {
            node.put("crlVersion", 1);
        }
        return node;
    }

    private static byte[] unsigned32(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] out = new byte[32];
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, out, 32 - length, length);
        return out;
    }

    /** A compact SHC JWS; with {@code der}, the signature is DER-encoded. */
    private String jws(KeyPair key, ObjectNode jwk, JsonNode payload, boolean der) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString(("{\"zip\":\"DEF\",\"alg\":\"ES256\",\"kid\":\""
                        + jwk.path("kid").asText() + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        String body;
        try {
            body = b64.encodeToString(deflate(Json.MAPPER.writeValueAsBytes(payload), true));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] signature = es256.sign(
                es256.importPrivate(key.getPrivate()), (header + "." + body).getBytes(StandardCharsets.US_ASCII));
        return header + "." + body + "." + b64.encodeToString(der ? toDer(signature) : signature);
    }

    private static byte[] toDer(byte[] rawSignature) {
        try {
            ASN1EncodableVector rs = new ASN1EncodableVector();
            rs.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(rawSignature, 0, 32))));
            rs.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(rawSignature, 32, 64))));
            return new DERSequence(rs).getEncoded();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An SHC payload: {@code doses} completed doses of the CVX code, a month apart, and an optional rid. */
    /**
     * A card too large for one QR code (a Patient identifier of random characters pads it), in two chunks as a
     * scanner collects them: in order, in reverse order, one chunk twice, and cut into three where two suffice.
     */
    private void shcChunks(long nbf) {
        ObjectNode payload = shcPayload(SHC_ISS, nbf, null, "207", 2);
        byte[] noise = new byte[900];
        random.nextBytes(noise);
        ((ObjectNode) payload.path("vc")
                        .path("credentialSubject")
                        .path("fhirBundle")
                        .path("entry")
                        .get(0)
                        .path("resource"))
                .putArray("identifier")
                .addObject()
                .put("value", Base64.getEncoder().encodeToString(noise));
        String jws = jws(shcKey, shcJwk, payload, false);
        if (jws.length() <= ShcNumeric.MAX_SINGLE_JWS_CHARS || jws.length() > 2 * ShcNumeric.MAX_CHUNK_JWS_CHARS) {
            throw new IllegalStateException(
                    "the padded card has " + jws.length() + " characters, not two chunks' worth");
        }
        String first = numericChunk(jws.substring(0, jws.length() / 2), 1, 2);
        String second = numericChunk(jws.substring(jws.length() / 2), 2, 2);
        idCheck("SHC in two chunks, in order: CHECK_ID", NativeVectors.RESTAURANT, first + "\n" + second);
        idCheck("SHC in two chunks, second first: CHECK_ID", NativeVectors.RESTAURANT, second + "\n" + first);
        deny("SHC chunk 1 of 2 twice: MALFORMED", first + "\n" + first, Reason.MALFORMED);
        int third = jws.length() / 3;
        deny(
                "SHC in three chunks where two suffice: MALFORMED",
                numericChunk(jws.substring(0, third), 1, 3) + "\n" + numericChunk(jws.substring(third, 2 * third), 2, 3)
                        + "\n" + numericChunk(jws.substring(2 * third), 3, 3),
                Reason.MALFORMED);
        deny(
                "SHC whose two chunks, joined, are not in numeric single-QR form: MALFORMED",
                first.replace("shc:/1/2/", "shc:/"),
                Reason.MALFORMED);
    }

    private static String numericChunk(String jwsPart, int index, int count) {
        return "shc:/" + index + "/" + count + "/" + ShcNumeric.encode(jwsPart).substring(ShcNumeric.PREFIX.length());
    }

    private static ObjectNode shcPayload(String iss, long nbf, String rid, String cvx, int doses) {
        ObjectNode payload = Json.MAPPER.createObjectNode().put("iss", iss).put("nbf", nbf);
        ObjectNode vc = payload.putObject("vc");
        vc.putArray("type").add("https://smarthealth.cards#health-card").add("https://smarthealth.cards#immunization");
        if (rid != null) {
            vc.put("rid", rid);
        }
        ObjectNode bundle = vc.putObject("credentialSubject")
                .put("fhirVersion", "4.0.1")
                .putObject("fhirBundle")
                .put("resourceType", "Bundle")
                .put("type", "collection");
        var entries = bundle.putArray("entry");
        ObjectNode patient = entries.addObject()
                .put("fullUrl", "resource:0")
                .putObject("resource")
                .put("resourceType", "Patient")
                .put("birthDate", "1951-01-20");
        patient.putArray("name")
                .addObject()
                .put("family", "Anyperson")
                .putArray("given")
                .add("John")
                .add("B.");
        String[] dates = {"2021-06-01", "2021-07-01"};
        for (int i = 0; i < doses; i++) {
            ObjectNode immunization = entries.addObject()
                    .put("fullUrl", "resource:" + (i + 1))
                    .putObject("resource")
                    .put("resourceType", "Immunization")
                    .put("status", "completed")
                    .put("occurrenceDateTime", dates[i]);
            immunization
                    .putObject("vaccineCode")
                    .putArray("coding")
                    .addObject()
                    .put("system", "http://hl7.org/fhir/sid/cvx")
                    .put("code", cvx);
        }
        return payload;
    }

    /** A DID document whose methods are {@code did}'s, stating {@code id} (another DID makes it unusable). */
    private ObjectNode didDocument(String did, String id) {
        ECPublicKey key = (ECPublicKey) nzcpKey.getPublic();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        ObjectNode doc = Json.MAPPER.createObjectNode().put("id", id);
        doc.putArray("@context").add("https://w3.org/ns/did/v1").add("https://w3id.org/security/suites/jws-2020/v1");
        ObjectNode method = doc.putArray("verificationMethod")
                .addObject()
                .put("id", did + "#" + NZCP_KID)
                .put("controller", did)
                .put("type", "JsonWebKey2020");
        method.putObject("publicKeyJwk")
                .put("kty", "EC")
                .put("crv", "P-256")
                .put("x", b64.encodeToString(unsigned32(key.getW().getAffineX())))
                .put("y", b64.encodeToString(unsigned32(key.getW().getAffineY())));
        doc.putArray("assertionMethod").add(did + "#" + NZCP_KID);
        return doc;
    }

    /** An NZ COVID Pass by the test issuer's key, claiming {@code iss}; {@code tamper} changes a signature byte. */
    private String nzcp(String iss, long nbf, long exp, boolean tamper) {
        return nzcp(iss, nbf, exp, tamper, true);
    }

    /** As above; without {@code kid}, the protected header names no key. */
    private String nzcp(String iss, long nbf, long exp, boolean tamper, boolean kid) {
        byte[] cti = new byte[16];
        random.nextBytes(cti);
        ObjectNode vc = Json.MAPPER.createObjectNode().put("version", "1.0.0");
        vc.putArray("@context")
                .add("https://www.w3.org/2018/credentials/v1")
                .add("https://nzcp.covid19.health.nz/contexts/v1");
        vc.putArray("type").add("VerifiableCredential").add("PublicCovidPass");
        vc.putObject("credentialSubject")
                .put("givenName", "Jack")
                .put("familyName", "Sparrow")
                .put("dob", "1960-04-16");
        byte[] claims;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (CBORGenerator gen = Cbor.FACTORY.createGenerator(out)) {
                gen.writeStartObject();
                gen.writeFieldId(1);
                gen.writeString(iss);
                gen.writeFieldId(5);
                gen.writeNumber(nbf);
                gen.writeFieldId(4);
                gen.writeNumber(exp);
                gen.writeFieldId(7);
                gen.writeBinary(cti);
                gen.writeFieldName("vc");
                Cbor.MAPPER.writeTree(gen, vc);
                gen.writeEndObject();
            }
            claims = out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] protectedBytes = kid
                ? new CborWriter(32)
                        .map(2)
                        .key(CoseSign1.HEADER_KID)
                        .bytes(NZCP_KID.getBytes(StandardCharsets.UTF_8))
                        .key(CoseSign1.HEADER_ALG)
                        .integer(CoseSign1.ALG_ES256)
                        .endMap()
                        .toBytes()
                : new CborWriter(8)
                        .map(1)
                        .key(CoseSign1.HEADER_ALG)
                        .integer(CoseSign1.ALG_ES256)
                        .endMap()
                        .toBytes();
        byte[] signature = es256.sign(
                es256.importPrivate(nzcpKey.getPrivate()), CoseSign1.toBeSigned(protectedBytes, new byte[0], claims));
        if (tamper) {
            signature[5] ^= 1;
        }
        byte[] cose = CoseSign1.encode(protectedBytes, List.of(), claims, signature);
        return "NZCP:/1/" + base32(cose);
    }

    private static String base32(byte[] data) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                out.append(alphabet.charAt((buffer >> bits) & 31));
            }
            buffer &= (1 << bits) - 1;
        }
        if (bits > 0) {
            out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
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
