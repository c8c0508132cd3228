package io.checkpass.core.foreign.dcc;

import static io.checkpass.core.foreign.ForeignFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.codec.CoseSign1;
import io.checkpass.core.foreign.ForeignFixtures.DccIssuer;
import io.checkpass.core.foreign.ForeignFixtures.KidIn;
import io.checkpass.core.foreign.dcc.DccRevocationList.HashType;
import io.checkpass.core.foreign.dcc.HcertCheck.Step;
import io.checkpass.core.verify.ForeignFormat.FormatOutcome;
import io.checkpass.core.verify.Reason;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Strict on trust: the signer certificate's period against issued-at, its key usage against every entry, other
 * curves under ES256, and the EU revocation lists of each hash type.
 */
class HcertTrustTest {
    static final byte[] VACCINATED = cwt(vaccination(2, 2, "2021-10-01"), SIGNED, EXPIRES);

    static HcertCheck check(DccIssuer issuer, byte[] cwt, DccRevocations revocations) {
        return new HcertVerifier(List.of(issuer.signer()), revocations, ES256)
                .check(cose(issuer, issuer.kid(), KidIn.PROTECTED, cwt));
    }

    static HcertCheck check(DccIssuer issuer, byte[] cwt) {
        return check(issuer, cwt, DccRevocations.none());
    }

    // --- the signer certificate's period ---

    @Test
    void a_signer_certificate_that_expired_after_signing_still_vouches_for_what_it_signed() {
        DccIssuer issuer = dccIssuer(Instant.parse("2021-01-01T00:00:00Z"), SIGNED.plusSeconds(60));
        HcertCheck check = check(issuer, VACCINATED);
        assertThat(check.passed(Step.SIGNER_PERIOD)).isTrue();
        assertThat(check.outcome()).isInstanceOf(FormatOutcome.Read.class);
    }

    @Test
    void a_signer_certificate_is_valid_at_both_ends_of_its_period_and_not_outside() {
        Instant notBefore = Instant.parse("2021-06-01T00:00:00Z");
        Instant notAfter = Instant.parse("2022-06-01T00:00:00Z");
        DccIssuer issuer = dccIssuer(notBefore, notAfter);

        assertThat(check(issuer, cwt(vaccination(2, 2, "2021-05-01"), notBefore, EXPIRES))
                        .passed(Step.SIGNER_PERIOD))
                .isTrue();
        assertThat(check(issuer, cwt(vaccination(2, 2, "2021-05-01"), notAfter, EXPIRES))
                        .passed(Step.SIGNER_PERIOD))
                .isTrue();
        assertThat(check(issuer, cwt(vaccination(2, 2, "2021-05-01"), notBefore.minusSeconds(1), EXPIRES))
                        .outcome())
                .isEqualTo(new FormatOutcome.Failed(Reason.UNKNOWN_KEY));
        assertThat(check(issuer, cwt(vaccination(2, 2, "2021-05-01"), notAfter.plusSeconds(1), EXPIRES))
                        .outcome())
                .isEqualTo(new FormatOutcome.Failed(Reason.UNKNOWN_KEY));
    }

    // --- key usage ---

    @Test
    void a_certificate_without_dcc_key_usage_signs_every_type_and_one_with_some_signs_only_those() {
        DccIssuer any = dccIssuer("1.3.6.1.5.5.7.3.4");
        DccIssuer testsAndRecoveries = dccIssuer("1.3.6.1.4.1.1847.2021.1.1", "1.3.6.1.4.1.0.1847.2021.1.3");
        byte[] test = cwt(test(Dgc.TEST_NOT_DETECTED, "2021-11-30T10:00:00Z"), SIGNED, EXPIRES);
        byte[] recovery = cwt(recovery("2021-11-01", "2022-04-30"), SIGNED, EXPIRES);

        for (byte[] payload : List.of(VACCINATED, test, recovery)) {
            assertThat(check(any, payload).passed(Step.KEY_USAGE)).isTrue();
        }
        assertThat(check(testsAndRecoveries, test).passed(Step.KEY_USAGE)).isTrue();
        assertThat(check(testsAndRecoveries, recovery).passed(Step.KEY_USAGE)).isTrue();
        assertThat(check(testsAndRecoveries, VACCINATED).outcome())
                .isEqualTo(new FormatOutcome.Failed(Reason.KEY_NOT_AUTHORIZED));
    }

    @Test
    void a_payload_with_several_kinds_needs_key_usage_for_each() {
        var both = vaccination(2, 2, "2021-10-01");
        both.set("t", test(Dgc.TEST_NOT_DETECTED, "2021-11-30T10:00:00Z").get("t"));
        byte[] payload = cwt(both, SIGNED, EXPIRES);

        assertThat(check(dccIssuer("1.3.6.1.4.1.1847.2021.1.2"), payload).outcome())
                .isEqualTo(new FormatOutcome.Failed(Reason.KEY_NOT_AUTHORIZED));
        assertThat(check(dccIssuer("1.3.6.1.4.1.1847.2021.1.1", "1.3.6.1.4.1.1847.2021.1.2"), payload)
                        .outcome())
                .isInstanceOf(FormatOutcome.Read.class);
    }

    // --- curves ---

    @Test
    void es256_by_a_trusted_p384_key_verifies_and_a_flipped_bit_does_not() {
        DccIssuer issuer = p384DccIssuer();
        byte[] cose = cose(issuer, issuer.kid(), KidIn.PROTECTED, VACCINATED);
        assertThat(new HcertVerifier(List.of(issuer.signer()), ES256).read(hc1(cose)))
                .isInstanceOf(FormatOutcome.Read.class);

        cose[cose.length - 5] ^= 1;
        assertThat(new HcertVerifier(List.of(issuer.signer()), ES256).read(hc1(cose)))
                .isEqualTo(new FormatOutcome.Failed(Reason.BAD_SIGNATURE));
    }

    @Test
    void a_p256_signature_does_not_pass_for_a_p384_key_sharing_its_kid() {
        DccIssuer p256 = dccIssuer();
        DccIssuer p384 = p384DccIssuer();
        byte[] kid = p256.kid();
        DccSigner impostor = new DccSigner(kid, p384.certificate(), "DE");
        byte[] cose = cose(p256, kid, KidIn.PROTECTED, VACCINATED);
        assertThat(new HcertVerifier(List.of(impostor), ES256).read(hc1(cose)))
                .isEqualTo(new FormatOutcome.Failed(Reason.BAD_SIGNATURE));
    }

    // --- revocation ---

    static DccRevocations listing(byte[] kid, HashType type, byte[]... hashes) {
        return DccRevocations.of(List.of(new DccRevocationList(
                kid,
                type,
                Set.copyOf(Arrays.stream(hashes).map(ByteBuffer::wrap).toList()))));
    }

    static CoseSign1 decoded(DccIssuer issuer, byte[] cwt) {
        return CoseSign1.decode(cose(issuer, issuer.kid(), KidIn.PROTECTED, cwt), 1024, 64 * 1024);
    }

    @Test
    void a_uci_on_the_list_of_the_signers_key_is_revoked() {
        DccIssuer issuer = dccIssuer();
        byte[] hash = DccRevocations.hash("URN:UVCI:01DE/TEST/1");
        assertThat(check(issuer, VACCINATED, listing(issuer.kid(), HashType.UCI, hash))
                        .outcome())
                .isEqualTo(new FormatOutcome.Failed(Reason.REVOKED));
        assertThat(check(issuer, VACCINATED, listing(issuer.kid(), HashType.UCI, DccRevocations.hash("other")))
                        .outcome())
                .isInstanceOf(FormatOutcome.Read.class);
    }

    @Test
    void a_country_and_uci_on_the_list_is_revoked() {
        DccIssuer issuer = dccIssuer();
        // The fixture's CWT issuer is DE.
        byte[] hash = DccRevocations.hash("DE" + "URN:UVCI:01DE/TEST/1");
        assertThat(check(issuer, VACCINATED, listing(issuer.kid(), HashType.COUNTRYCODEUCI, hash))
                        .outcome())
                .isEqualTo(new FormatOutcome.Failed(Reason.REVOKED));
        // The bare UCI hash on a COUNTRYCODEUCI list is a different hash and revokes nothing.
        assertThat(check(
                                issuer,
                                VACCINATED,
                                listing(
                                        issuer.kid(),
                                        HashType.COUNTRYCODEUCI,
                                        DccRevocations.hash("URN:UVCI:01DE/TEST/1")))
                        .outcome())
                .isInstanceOf(FormatOutcome.Read.class);
    }

    @Test
    void an_es256_signature_is_listed_by_the_hash_of_its_r_value() {
        DccIssuer issuer = dccIssuer();
        // ECDSA signatures are randomised: hash the one this message carries.
        byte[] cose = cose(issuer, issuer.kid(), KidIn.PROTECTED, VACCINATED);
        byte[] signature = CoseSign1.decode(cose, 1024, 64 * 1024).signature();
        assertThat(signature).hasSize(64);
        byte[] r = Arrays.copyOf(signature, 32);
        byte[] hash = Arrays.copyOf(io.checkpass.core.crypto.Digests.sha256(r), 16);
        assertThat(DccRevocations.signatureHash(CoseSign1.ALG_ES256, signature)).isEqualTo(hash);

        HcertVerifier verifier =
                new HcertVerifier(List.of(issuer.signer()), listing(issuer.kid(), HashType.SIGNATURE, hash), ES256);
        assertThat(verifier.check(cose).outcome()).isEqualTo(new FormatOutcome.Failed(Reason.REVOKED));
        // The same payload signed again has another signature, and is not revoked by that entry.
        assertThat(verifier.check(cose(issuer, issuer.kid(), KidIn.PROTECTED, VACCINATED))
                        .outcome())
                .isInstanceOf(FormatOutcome.Read.class);
    }

    @Test
    void a_ps256_signature_is_listed_by_the_hash_of_all_of_it() {
        DccIssuer issuer = rsaDccIssuer();
        byte[] cose = cose(issuer, issuer.kid(), KidIn.PROTECTED, VACCINATED);
        byte[] signature = CoseSign1.decode(cose, 1024, 64 * 1024).signature();
        byte[] hash = Arrays.copyOf(io.checkpass.core.crypto.Digests.sha256(signature), 16);

        HcertVerifier verifier =
                new HcertVerifier(List.of(issuer.signer()), listing(issuer.kid(), HashType.SIGNATURE, hash), ES256);
        assertThat(verifier.check(cose).outcome()).isEqualTo(new FormatOutcome.Failed(Reason.REVOKED));
    }

    @Test
    void with_several_entries_any_entrys_uci_on_the_list_revokes_the_certificate() {
        var two = vaccination(2, 2, "2021-10-01");
        var older = two.withArray("v").get(0).deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) older)
                .put("dn", 1)
                .put("dt", "2021-09-01")
                .put("ci", "URN:UVCI:01DE/TEST/OLD");
        two.withArray("v").add(older);
        DccIssuer issuer = dccIssuer();
        byte[] hash = DccRevocations.hash("URN:UVCI:01DE/TEST/OLD");

        assertThat(check(issuer, cwt(two, SIGNED, EXPIRES), listing(issuer.kid(), HashType.UCI, hash))
                        .outcome())
                .isEqualTo(new FormatOutcome.Failed(Reason.REVOKED));
    }

    @Test
    void a_list_of_another_key_revokes_nothing_here() {
        DccIssuer issuer = dccIssuer();
        DccIssuer other = dccIssuer();
        byte[] hash = DccRevocations.hash("URN:UVCI:01DE/TEST/1");
        HcertCheck check = check(issuer, VACCINATED, listing(other.kid(), HashType.UCI, hash));
        assertThat(check.passed(Step.REVOCATION)).isTrue();
        assertThat(check.outcome()).isInstanceOf(FormatOutcome.Read.class);
    }

    @Test
    void revocation_is_checked_only_once_the_signature_holds() {
        DccIssuer issuer = dccIssuer();
        byte[] cose = cose(issuer, issuer.kid(), KidIn.PROTECTED, VACCINATED);
        cose[cose.length - 3] ^= 1;
        HcertCheck check = new HcertVerifier(
                        List.of(issuer.signer()),
                        listing(issuer.kid(), HashType.UCI, DccRevocations.hash("URN:UVCI:01DE/TEST/1")),
                        ES256)
                .check(cose);
        assertThat(check.ran(Step.REVOCATION)).isFalse();
        assertThat(check.firstFailure()).isEqualTo(Optional.of(Reason.BAD_SIGNATURE));
    }
}
