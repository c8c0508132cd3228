package io.checkpass.core.foreign.dcc;

import static io.checkpass.core.foreign.ForeignFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.codec.Base45;
import io.checkpass.core.foreign.ForeignFixtures.DccIssuer;
import io.checkpass.core.foreign.ForeignFixtures.KidIn;
import io.checkpass.core.foreign.dcc.HcertCheck.Step;
import io.checkpass.core.verify.ForeignFormat.FormatOutcome;
import io.checkpass.core.verify.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The COSE layer of EU DCCs: where the key id sits, several keys per key id, key usage, PS256, the signer's period. */
class HcertVerifierTest {
    static final byte[] VACCINATED = cwt(vaccination(2, 2, "2021-10-01"), SIGNED, EXPIRES);

    static FormatOutcome read(List<DccSigner> trusted, byte[] cose) {
        return new HcertVerifier(trusted, ES256).read(hc1(cose));
    }

    static Reason failure(FormatOutcome outcome) {
        return ((FormatOutcome.Failed) outcome).reason();
    }

    @Test
    void a_dcc_signed_by_a_trusted_certificate_reads_with_what_it_proves() {
        DccIssuer issuer = dccIssuer();
        FormatOutcome outcome = read(List.of(issuer.signer()), cose(issuer, issuer.kid(), KidIn.PROTECTED, VACCINATED));

        var read = (FormatOutcome.Read) outcome;
        var facts = read.facts();
        // The status is the door's to decide, from what the certificate proves.
        assertThat(read.evidence().orElseThrow().doses())
                .extracting(d -> d.date().toString())
                .containsExactly("2021-10-01");
        assertThat(facts.issuedAt()).contains(SIGNED);
        // hcert: valid up to and including exp, so the verifier's exclusive end is one second later.
        assertThat(facts.expiresAt()).contains(EXPIRES.plusSeconds(1));
        assertThat(facts.warnings()).isEmpty();
        assertThat(facts.statusProven()).isTrue();
        assertThat(facts.id()).isEqualTo("URN:UVCI:01DE/TEST/1");
        assertThat(facts.issuer()).isEqualTo("DE");
        assertThat(facts.deviceBound()).isFalse();
        assertThat(facts.display().orElseThrow().maskedName()).isEqualTo("E*n");
        assertThat(facts.display().orElseThrow().birthYear()).isEqualTo(1964);
    }

    @Test
    void a_key_id_in_the_unprotected_header_alone_finds_the_key() {
        DccIssuer issuer = dccIssuer();
        assertThat(read(List.of(issuer.signer()), cose(issuer, issuer.kid(), KidIn.UNPROTECTED, VACCINATED)))
                .isInstanceOf(FormatOutcome.Read.class);
    }

    @Test
    void a_message_that_names_no_key_is_from_an_unknown_key() {
        DccIssuer issuer = dccIssuer();
        assertThat(failure(read(List.of(issuer.signer()), cose(issuer, issuer.kid(), KidIn.NOWHERE, VACCINATED))))
                .isEqualTo(Reason.UNKNOWN_KEY);
    }

    @Test
    void every_certificate_that_shares_the_key_id_is_tried_in_any_order() {
        DccIssuer issuer = dccIssuer();
        DccIssuer other = dccIssuer();
        byte[] sharedKid = {1, 2, 3, 4, 5, 6, 7, 8};
        DccSigner right = new DccSigner(sharedKid, issuer.certificate(), "DE");
        DccSigner wrong = new DccSigner(sharedKid, other.certificate(), "DE");
        byte[] cose = cose(issuer, sharedKid, KidIn.PROTECTED, VACCINATED);

        assertThat(read(List.of(wrong, right), cose)).isInstanceOf(FormatOutcome.Read.class);
        assertThat(read(List.of(right, wrong), cose)).isInstanceOf(FormatOutcome.Read.class);
        assertThat(failure(read(List.of(wrong), cose))).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void key_usage_oids_in_either_encoding_restrict_what_a_certificate_may_sign() {
        DccIssuer testsOnly = dccIssuer("1.3.6.1.4.1.1847.2021.1.1");
        DccIssuer vaccinationsOnly = dccIssuer("1.3.6.1.4.1.0.1847.2021.1.2");
        DccIssuer serverCertificate = dccIssuer("1.3.6.1.5.5.7.3.1");

        assertThat(testsOnly.signer().authorizedTypes()).containsExactly(DccType.TEST);
        assertThat(vaccinationsOnly.signer().authorizedTypes()).containsExactly(DccType.VACCINATION);
        assertThat(serverCertificate.signer().authorizedTypes()).containsExactlyInAnyOrder(DccType.values());

        assertThat(failure(read(
                        List.of(testsOnly.signer()), cose(testsOnly, testsOnly.kid(), KidIn.PROTECTED, VACCINATED))))
                .isEqualTo(Reason.KEY_NOT_AUTHORIZED);
        assertThat(read(
                        List.of(vaccinationsOnly.signer()),
                        cose(vaccinationsOnly, vaccinationsOnly.kid(), KidIn.PROTECTED, VACCINATED)))
                .isInstanceOf(FormatOutcome.Read.class);
    }

    @Test
    void a_ps256_signature_by_an_rsa_certificate_verifies_and_a_flipped_bit_does_not() {
        DccIssuer issuer = rsaDccIssuer();
        byte[] cose = cose(issuer, issuer.kid(), KidIn.PROTECTED, VACCINATED);
        assertThat(read(List.of(issuer.signer()), cose)).isInstanceOf(FormatOutcome.Read.class);

        cose[cose.length - 10] ^= 1;
        assertThat(failure(read(List.of(issuer.signer()), cose))).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void a_certificate_that_was_not_valid_when_the_dcc_claims_to_be_issued_does_not_vouch_for_it() {
        DccIssuer issuer = dccIssuer();
        byte[] backdated = cwt(vaccination(2, 2, "2020-10-01"), Instant.parse("2020-12-01T00:00:00Z"), EXPIRES);
        HcertCheck check = new HcertVerifier(List.of(issuer.signer()), ES256)
                .check(cose(issuer, issuer.kid(), KidIn.PROTECTED, backdated));

        assertThat(check.passed(Step.SIGNATURE)).isTrue();
        assertThat(check.steps().get(Step.SIGNER_PERIOD)).contains(Reason.UNKNOWN_KEY);
        assertThat(check.outcome()).isEqualTo(new FormatOutcome.Failed(Reason.UNKNOWN_KEY));
    }

    @Test
    void issued_at_and_expiry_are_judged_at_the_verifiers_clock_with_its_skew() {
        DccIssuer issuer = dccIssuer();
        HcertCheck check = new HcertVerifier(List.of(issuer.signer()), ES256)
                .check(cose(issuer, issuer.kid(), KidIn.PROTECTED, VACCINATED));
        Duration skew = Duration.ofSeconds(30);

        assertThat(check.validityAt(SIGNED.minusSeconds(31), skew)).contains(Reason.NOT_YET_VALID);
        assertThat(check.validityAt(SIGNED.minusSeconds(29), skew)).isEmpty();
        assertThat(check.validityAt(EXPIRES.minusSeconds(1), skew)).isEmpty();
        // hcert: valid up to and including exp.
        assertThat(check.validityAt(EXPIRES, skew)).isEmpty();
        assertThat(check.validityAt(EXPIRES.plusMillis(999), skew)).isEmpty();
        assertThat(check.validityAt(EXPIRES.plusSeconds(1), skew)).contains(Reason.CREDENTIAL_EXPIRED);
    }

    @Test
    void a_zlib_bomb_is_malformed_not_out_of_memory() {
        byte[] bomb = zlib(new byte[2 * 1024 * 1024]);
        String text = "HC1:" + Base45.encode(bomb);
        assertThat(text.length()).isLessThan(Hcert.MAX_TEXT_CHARS);

        assertThat(failure(new HcertVerifier(List.of(), ES256).read(text))).isEqualTo(Reason.MALFORMED);
    }

    @Test
    void a_signed_payload_that_bends_the_schema_is_read_with_warnings_not_malformed() {
        DccIssuer issuer = dccIssuer();
        var twoEntries = vaccination(1, 2, "2021-09-01");
        var booster = twoEntries.withArray("v").get(0).deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) booster).put("dn", 2).put("dt", "2021-10-01");
        twoEntries.withArray("v").add(booster);
        HcertCheck check = new HcertVerifier(List.of(issuer.signer()), ES256)
                .check(cose(issuer, issuer.kid(), KidIn.PROTECTED, cwt(twoEntries, SIGNED, EXPIRES)));

        assertThat(check.passed(Step.SIGNATURE)).isTrue();
        assertThat(check.passed(Step.PAYLOAD)).isTrue();
        assertThat(check.warnings()).extracting(w -> w.field()).containsExactly("v");
        var facts = ((FormatOutcome.Read) check.outcome()).facts();
        // The most recent entry is read: the second dose, which completes the series.
        assertThat(((FormatOutcome.Read) check.outcome())
                        .evidence()
                        .orElseThrow()
                        .doses())
                .extracting(d -> d.doseNumber().getAsInt())
                .containsExactly(2);
        assertThat(facts.warnings()).isEqualTo(check.warnings());
    }

    @Test
    void a_payload_that_is_not_a_map_is_malformed() {
        DccIssuer issuer = dccIssuer();
        HcertCheck check = new HcertVerifier(List.of(issuer.signer()), ES256)
                .check(cose(
                        issuer,
                        issuer.kid(),
                        KidIn.PROTECTED,
                        cwt(com.fasterxml.jackson.databind.node.TextNode.valueOf("v"), SIGNED, EXPIRES)));

        assertThat(check.passed(Step.SIGNATURE)).isTrue();
        assertThat(check.steps().get(Step.PAYLOAD)).isEqualTo(Optional.of(Reason.MALFORMED));
    }
}
