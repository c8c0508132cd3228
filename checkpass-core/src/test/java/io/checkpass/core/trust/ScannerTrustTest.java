package io.checkpass.core.trust;

import static io.checkpass.core.PassFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkpass.core.crypto.KeyStores;
import io.checkpass.core.crypto.SigningKey;
import io.checkpass.core.pass.PassStatus;
import io.checkpass.core.pass.Presentation;
import io.checkpass.core.verify.Reason;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A scanner's bundle trust: pinned key, announced rollover, no rollback (docs/adr/0014-key-rotation.md). */
class ScannerTrustTest {
    private final SigningKey next =
            KeyStores.generate(ES256, "next bundle", BUNDLE_KEY.notBefore(), BUNDLE_KEY.notAfter());
    private final SigningKey stranger =
            KeyStores.generate(ES256, "stranger", BUNDLE_KEY.notBefore(), BUNDLE_KEY.notAfter());

    private static TrustBundle version(long version, Optional<NextBundleKey> announce) {
        return new TrustBundle(
                version,
                LUNCH_13_DEC,
                List.of(issuerKey()),
                Set.of(),
                KOREA,
                null,
                Optional.empty(),
                Set.of(),
                announce);
    }

    @Test
    void a_scanner_that_fetched_the_announcement_follows_to_the_next_bundle_key_and_pins_it() throws Exception {
        ScannerTrust trust = new ScannerTrust(BUNDLE_KEY.publicKey(), ES256);
        NextBundleKey announced = new NextBundleKey(next.id(), next.publicKey(), LUNCH_13_DEC.plus(Duration.ofDays(7)));

        trust.accept(TrustBundles.sign(version(1, Optional.of(announced)), BUNDLE_KEY, ES256));
        assertThat(trust.state().next()).contains(announced);

        TrustBundles.Opened switched = trust.accept(TrustBundles.sign(version(2, Optional.empty()), next, ES256));
        assertThat(switched.signer()).isEqualTo(next.id());
        assertThat(trust.state().anchor()).isEqualTo(next.publicKey());
        assertThat(trust.state().version()).isEqualTo(2);
        // Pinned to the new key now: the old one no longer signs for this scanner.
        assertThatThrownBy(() -> trust.accept(TrustBundles.sign(version(3, Optional.empty()), BUNDLE_KEY, ES256)))
                .isInstanceOf(TrustBundleException.class);
    }

    @Test
    void a_scanner_without_the_announcement_refuses_the_next_key_as_any_other() {
        ScannerTrust trust = new ScannerTrust(BUNDLE_KEY.publicKey(), ES256);
        assertThatThrownBy(() -> trust.accept(TrustBundles.sign(version(2, Optional.empty()), next, ES256)))
                .isInstanceOf(TrustBundleException.class)
                .hasMessageContaining("not by the trusted bundle key");
        assertThatThrownBy(() -> trust.accept(TrustBundles.sign(version(2, Optional.empty()), stranger, ES256)))
                .isInstanceOf(TrustBundleException.class);
        assertThat(trust.state().anchor()).isEqualTo(BUNDLE_KEY.publicKey());
    }

    @Test
    void an_older_bundle_is_refused_and_the_held_one_stays() throws Exception {
        ScannerTrust trust = new ScannerTrust(BUNDLE_KEY.publicKey(), ES256);
        byte[] older = TrustBundles.sign(version(5, Optional.empty()), BUNDLE_KEY, ES256);
        byte[] newer = TrustBundles.sign(version(6, Optional.empty()), BUNDLE_KEY, ES256);
        trust.accept(older);
        trust.accept(newer);
        assertThatThrownBy(() -> trust.accept(older))
                .isInstanceOf(TrustBundleException.class)
                .hasMessageContaining("older than the held version 6");
        assertThat(trust.state().version()).isEqualTo(6);
        // The same version again (a refetch) is fine.
        assertThat(trust.accept(newer).bundle().version()).isEqualTo(6);
    }

    @Test
    void revoked_keys_and_the_announcement_survive_signing_and_opening() throws Exception {
        NextBundleKey announced = new NextBundleKey(next.id(), next.publicKey(), LUNCH_13_DEC);
        SigningKey revoked = KeyStores.generate(ES256, "revoked", BUNDLE_KEY.notBefore(), BUNDLE_KEY.notAfter());
        TrustBundle bundle = new TrustBundle(
                9,
                LUNCH_13_DEC,
                List.of(issuerKey()),
                Set.of(),
                KOREA,
                null,
                Optional.empty(),
                Set.of(revoked.id()),
                Optional.of(announced));
        TrustBundle opened = TrustBundles.open(
                        TrustBundles.sign(bundle, BUNDLE_KEY, ES256), Optional.of(BUNDLE_KEY.publicKey()), ES256)
                .bundle();
        assertThat(opened.revokedKeys()).containsExactly(revoked.id());
        assertThat(opened.nextBundleKey()).contains(announced);
        assertThatThrownBy(() -> new TrustBundle(
                        1,
                        LUNCH_13_DEC,
                        List.of(issuerKey()),
                        Set.of(),
                        KOREA,
                        null,
                        Optional.empty(),
                        Set.of(issuerKey().id()),
                        Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_credential_of_a_revoked_issuer_key_is_refused_with_its_own_reason() {
        var credential = issue(PassStatus.VACCINATED, LUNCH_13_DEC.minusSeconds(60), false);
        TrustBundle revoking = new TrustBundle(
                2,
                LUNCH_13_DEC,
                List.of(),
                Set.of(),
                KOREA,
                null,
                Optional.empty(),
                Set.of(ISSUER_KEY.id()),
                Optional.empty());
        String text = Presentation.ofStatic(credential.encoded()).toText();
        assertThat(verifierAt(LUNCH_13_DEC, bundle()).verify(text, RESTAURANT).reason())
                .isEqualTo(Reason.ID_CHECK_REQUIRED);
        assertThat(verifierAt(LUNCH_13_DEC, revoking).verify(text, RESTAURANT).reason())
                .isEqualTo(Reason.ISSUER_KEY_REVOKED);
    }
}
