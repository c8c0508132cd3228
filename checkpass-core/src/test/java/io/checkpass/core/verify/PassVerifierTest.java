package io.checkpass.core.verify;

import static io.checkpass.core.PassFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.codec.Base45;
import io.checkpass.core.crypto.EcPoints;
import io.checkpass.core.crypto.KeyStores;
import io.checkpass.core.crypto.SigningKey;
import io.checkpass.core.pass.DisplayHint;
import io.checkpass.core.pass.HolderDevice;
import io.checkpass.core.pass.IssuedCredential;
import io.checkpass.core.pass.PassFormat;
import io.checkpass.core.pass.PassIssuer;
import io.checkpass.core.pass.PassRequest;
import io.checkpass.core.pass.PassStatus;
import io.checkpass.core.pass.Presentation;
import io.checkpass.core.rules.VenueType;
import io.checkpass.core.trust.TrustBundle;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PassVerifierTest {
    private final Instant now = LUNCH_13_DEC;

    private VerificationResult verify(String text, Instant at) {
        return verifierAt(at, bundle()).verify(text, RESTAURANT);
    }

    private String present(IssuedCredential credential, Instant at) {
        return HOLDER.present(credential.encoded(), at).toText();
    }

    @Test
    void a_fresh_device_bound_presentation_is_admitted_with_its_display_data() {
        IssuedCredential credential = vaccinated(now);
        VerificationResult result = verify(present(credential, now.minusSeconds(5)), now);

        assertThat(result).isInstanceOf(VerificationResult.Admitted.class);
        assertThat(result.verdict()).isEqualTo(Verdict.ADMIT);
        assertThat(result.reason()).isEqualTo(Reason.VALID);
        VerifiedPass pass = result.pass().orElseThrow();
        assertThat(pass.id()).isEqualTo(credential.claims().serial().hex());
        assertThat(pass.display()).contains(new DisplayHint("홍*동", 1985));
        assertThat(pass.status()).isEqualTo(PassStatus.VACCINATED);
        assertThat(pass.issuer()).isEqualTo("KR");
        assertThat(pass.deviceBound()).isTrue();
        assertThat(pass.presentedAt()).contains(now.minusSeconds(5));
    }

    @Test
    void a_presentation_90_seconds_old_is_stale() {
        assertThat(verify(present(vaccinated(now), now.minusSeconds(90)), now).reason())
                .isEqualTo(Reason.STALE_PRESENTATION);
    }

    @Test
    void a_presentation_within_window_and_skew_is_fresh_and_just_beyond_is_stale() {
        assertThat(verify(present(vaccinated(now), now.minusSeconds(60)), now).reason())
                .isEqualTo(Reason.VALID);
        assertThat(verify(present(vaccinated(now), now.minusSeconds(61)), now).reason())
                .isEqualTo(Reason.STALE_PRESENTATION);
    }

    @Test
    void a_presentation_from_a_clock_ahead_beyond_the_skew_is_refused() {
        assertThat(verify(present(vaccinated(now), now.plusSeconds(31)), now).reason())
                .isEqualTo(Reason.FUTURE_PRESENTATION);
        assertThat(verify(present(vaccinated(now), now.plusSeconds(30)), now).reason())
                .isEqualTo(Reason.VALID);
    }

    @Test
    void the_same_presentation_scanned_twice_is_a_replay() {
        PassVerifier verifier = verifierAt(now, bundle());
        String text = present(vaccinated(now), now);
        assertThat(verifier.verify(text, RESTAURANT).reason()).isEqualTo(Reason.VALID);
        assertThat(verifier.verify(text, RESTAURANT).reason()).isEqualTo(Reason.REPLAYED);
    }

    @Test
    void a_replay_with_a_malleated_signature_is_still_a_replay() {
        PassVerifier verifier = verifierAt(now, bundle());
        Presentation original = HOLDER.present(vaccinated(now).encoded(), now);
        assertThat(verifier.verify(original.toText(), RESTAURANT).reason()).isEqualTo(Reason.VALID);
        // (r, s) -> (r, n - s) is an equally valid ECDSA signature over the same message.
        byte[] sig = EcPoints.complementS(original.deviceSignature());
        String malleated = new Presentation(original.credential(), original.timestamp(), sig).toText();
        assertThat(verifier.verify(malleated, RESTAURANT).reason()).isEqualTo(Reason.REPLAYED);
    }

    @Test
    void a_presentation_signed_by_another_device_is_refused() {
        HolderDevice thief =
                new HolderDevice((ECPrivateKey) ES256.generateKeyPair().getPrivate(), ES256);
        String text = thief.present(vaccinated(now).encoded(), now).toText();
        assertThat(verify(text, now).reason()).isEqualTo(Reason.BAD_DEVICE_PROOF);
    }

    @Test
    void a_device_bound_credential_shown_without_its_proof_is_refused() {
        String text = Presentation.ofStatic(vaccinated(now).encoded()).toText();
        assertThat(verify(text, now).reason()).isEqualTo(Reason.BAD_DEVICE_PROOF);
    }

    @Test
    void a_static_pass_asks_staff_to_check_an_id_card() {
        String text = Presentation.ofStatic(
                        issue(PassStatus.VACCINATED, now, false).encoded())
                .toText();
        VerificationResult result = verify(text, now);
        assertThat(result.verdict()).isEqualTo(Verdict.CHECK_ID);
        assertThat(result.reason()).isEqualTo(Reason.ID_CHECK_REQUIRED);
        assertThat(result.pass().orElseThrow().display().orElseThrow().maskedName())
                .isEqualTo("홍*동");
        assertThat(result.condition()).isEmpty();
    }

    @Test
    void a_revoked_serial_is_denied() {
        IssuedCredential credential = vaccinated(now);
        TrustBundle revoking = bundle(credential.claims().serial());
        VerificationResult result = verifierAt(now, revoking).verify(present(credential, now), RESTAURANT);
        assertThat(result.verdict()).isEqualTo(Verdict.DENY);
        assertThat(result.reason()).isEqualTo(Reason.REVOKED);
        assertThat(result.pass()).isEmpty();
    }

    @Test
    void an_unvaccinated_holder_is_not_accepted_at_karaoke_but_may_eat_with_a_condition() {
        IssuedCredential credential = issue(PassStatus.UNVACCINATED, now, true);
        PassVerifier verifier = verifierAt(now, bundle());

        VerificationResult karaoke = verifier.verify(present(credential, now), KARAOKE);
        assertThat(karaoke.verdict()).isEqualTo(Verdict.DENY);
        assertThat(karaoke.reason()).isEqualTo(Reason.NOT_ACCEPTED_HERE);
        assertThat(karaoke.pass()).isPresent();

        VerificationResult restaurant = verifier.verify(present(credential, now.minusSeconds(15)), RESTAURANT);
        assertThat(restaurant.verdict()).isEqualTo(Verdict.ADMIT_LIMITED);
        assertThat(restaurant.condition().orElseThrow().text().ko()).isEqualTo("미접종자는 일행 중 1명까지만 이용 가능");
    }

    @Test
    void a_lapsed_vaccination_counts_as_unvaccinated_and_says_so_where_it_is_refused() {
        PassRequest lapsed = new PassRequest(
                PassStatus.VACCINATED,
                now.minus(Duration.ofDays(200)),
                Optional.of(now.minus(Duration.ofDays(20))),
                DisplayHint.of("홍길동", 1960),
                Optional.of((ECPublicKey) DEVICE.getPublic()));
        IssuedCredential credential = ISSUER.issue(lapsed, now.minusSeconds(60), Duration.ofHours(24));
        PassVerifier verifier = verifierAt(now, bundle());
        assertThat(verifier.verify(present(credential, now), KARAOKE).reason()).isEqualTo(Reason.STATUS_EXPIRED);
        assertThat(verifier.verify(present(credential, now.minusSeconds(1)), RESTAURANT)
                        .verdict())
                .isEqualTo(Verdict.ADMIT_LIMITED);
    }

    @Test
    void a_status_that_starts_later_is_not_yet_valid() {
        PassRequest early = new PassRequest(
                PassStatus.VACCINATED,
                now.plus(Duration.ofDays(3)),
                Optional.empty(),
                DisplayHint.of("홍길동", 1960),
                Optional.of((ECPublicKey) DEVICE.getPublic()));
        IssuedCredential credential = ISSUER.issue(early, now.minusSeconds(60), Duration.ofHours(24));
        assertThat(verifierAt(now, bundle())
                        .verify(present(credential, now), KARAOKE)
                        .reason())
                .isEqualTo(Reason.NOT_YET_VALID);
    }

    @Test
    void an_expired_credential_is_refused_even_if_the_status_holds() {
        IssuedCredential credential = vaccinated(now);
        Instant later = credential.claims().expiresAt();
        assertThat(verify(present(credential, later), later).reason()).isEqualTo(Reason.CREDENTIAL_EXPIRED);
    }

    @Test
    void a_credential_issued_in_the_future_is_not_yet_valid() {
        Instant issuedAt = now.plus(Duration.ofHours(2));
        IssuedCredential credential = ISSUER.issue(
                new PassRequest(
                        PassStatus.TESTED,
                        now.minus(Duration.ofDays(1)),
                        Optional.empty(),
                        DisplayHint.of("김철수", 1990),
                        Optional.of((ECPublicKey) DEVICE.getPublic())),
                issuedAt,
                Duration.ofHours(24));
        assertThat(verify(present(credential, now), now).reason()).isEqualTo(Reason.NOT_YET_VALID);
    }

    @Test
    void a_credential_from_an_unknown_issuer_key_is_refused() {
        SigningKey rogue = KeyStores.generate(ES256, "rogue", ISSUER_KEY.notBefore(), ISSUER_KEY.notAfter());
        IssuedCredential credential = new PassIssuer(rogue, ES256, new SecureRandom())
                .sign(vaccinated(now).claims());
        assertThat(verify(present(credential, now), now).reason()).isEqualTo(Reason.UNKNOWN_KEY);
    }

    @Test
    void a_credential_with_a_forged_signature_is_refused() {
        byte[] credential = vaccinated(now).encoded();
        credential[credential.length - 1] ^= 1;
        String text = HOLDER.present(credential, now).toText();
        assertThat(verify(text, now).reason()).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void after_1_march_2022_anyone_with_a_genuine_pass_is_admitted_without_one_being_required() {
        Instant march = OffsetDateTime.of(2022, 3, 2, 12, 0, 0, 0, ZoneOffset.ofHours(9))
                .toInstant();
        IssuedCredential credential = issue(PassStatus.UNVACCINATED, march, true);
        VerificationResult result = verifierAt(march, bundle()).verify(present(credential, march), KARAOKE);
        assertThat(result.verdict()).isEqualTo(Verdict.ADMIT);
        assertThat(result.reason()).isEqualTo(Reason.PASS_NOT_REQUIRED);
    }

    @Test
    void texts_that_are_not_passes_get_typed_reasons() {
        assertThat(verify("hello", now).reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
        assertThat(verify("HC1:6BFOXN", now).reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
        assertThat(verify("CP1:", now).reason()).isEqualTo(Reason.MALFORMED);
        assertThat(verify("CP1:abc", now).reason()).isEqualTo(Reason.MALFORMED);
        assertThat(verify("CP1:" + "0".repeat(2000), now).reason()).isEqualTo(Reason.MALFORMED);
        assertThat(verify(null, now).reason()).isEqualTo(Reason.MALFORMED);
    }

    @Test
    void the_signature_cache_does_not_hide_a_bundle_that_drops_the_key() {
        IssuedCredential credential = vaccinated(now);
        PassVerifier verifier = verifierAt(now, bundle());
        assertThat(verifier.verify(present(credential, now), RESTAURANT).reason())
                .isEqualTo(Reason.VALID);
        verifier.install(new TrustBundle(2, now, List.of(), Set.of(), KOREA));
        assertThat(verifier.verify(present(credential, now.minusSeconds(1)), RESTAURANT)
                        .reason())
                .isEqualTo(Reason.UNKNOWN_KEY);
    }

    @Test
    void a_venue_type_outside_the_rules_requires_no_pass() {
        String text = present(vaccinated(now), now);
        assertThat(verifierAt(now, bundle())
                        .verify(text, new VenueType("other"))
                        .reason())
                .isEqualTo(Reason.PASS_NOT_REQUIRED);
    }

    @Test
    void an_indefinite_length_presentation_is_malformed_though_its_contents_are_genuine() {
        byte[] definite = Base45.decode(present(vaccinated(now), now).substring(PassFormat.PREFIX.length()));
        byte[] indefinite = new byte[definite.length + 1];
        System.arraycopy(definite, 0, indefinite, 0, definite.length);
        indefinite[0] = (byte) 0x9f; // array(3) → array(*), closed by a break
        indefinite[definite.length] = (byte) 0xff;
        String text = PassFormat.PREFIX + Base45.encode(indefinite);
        assertThat(verify(text, now).reason()).isEqualTo(Reason.MALFORMED);
    }
}
