package io.checkpass.core.trust;

import static io.checkpass.core.PassFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkpass.core.crypto.KeyStores;
import io.checkpass.core.crypto.SigningKey;
import io.checkpass.core.pass.Serial;
import java.security.SecureRandom;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrustBundlesTest {
    private final Serial revoked = Serial.random(new SecureRandom());
    private final byte[] signed = TrustBundles.sign(bundle(revoked), BUNDLE_KEY, ES256);

    @Test
    void a_signed_bundle_opens_with_its_anchor_and_keeps_everything() throws Exception {
        TrustBundles.Opened opened = TrustBundles.open(signed, Optional.of(BUNDLE_KEY.publicKey()), ES256);
        assertThat(opened.pinned()).isTrue();
        assertThat(opened.signer()).isEqualTo(BUNDLE_KEY.id());
        TrustBundle bundle = opened.bundle();
        assertThat(bundle.version()).isEqualTo(1);
        assertThat(bundle.createdAt()).isEqualTo(LUNCH_13_DEC);
        assertThat(bundle.issuerKeys()).containsExactly(issuerKey());
        assertThat(bundle.isRevoked(revoked)).isTrue();
        assertThat(bundle.venueRules().ruleSets()).isEqualTo(KOREA.ruleSets());
    }

    @Test
    void without_an_anchor_the_bundle_opens_on_its_own_certificate_and_says_it_is_unpinned() throws Exception {
        TrustBundles.Opened opened = TrustBundles.open(signed, Optional.empty(), ES256);
        assertThat(opened.pinned()).isFalse();
        assertThat(opened.signer()).isEqualTo(BUNDLE_KEY.id());
    }

    @Test
    void a_bundle_signed_by_another_key_is_refused_when_an_anchor_is_given() {
        SigningKey other = KeyStores.generate(ES256, "other", BUNDLE_KEY.notBefore(), BUNDLE_KEY.notAfter());
        byte[] forged = TrustBundles.sign(bundle(), other, ES256);
        assertThatThrownBy(() -> TrustBundles.open(forged, Optional.of(BUNDLE_KEY.publicKey()), ES256))
                .isInstanceOf(TrustBundleException.class)
                .hasMessageContaining("not by the trusted bundle key");
    }

    @Test
    void no_altered_byte_changes_what_the_bundle_says() throws Exception {
        byte[] original =
                TrustBundles.encodePayload(TrustBundles.open(signed, Optional.of(BUNDLE_KEY.publicKey()), ES256)
                        .bundle());
        int refused = 0;
        for (int i = 0; i < signed.length; i++) {
            byte[] altered = signed.clone();
            altered[i] ^= 0x01;
            try {
                // Only the unsigned x5chain certificate may change without refusal, and it is unused with an anchor.
                TrustBundle opened = TrustBundles.open(altered, Optional.of(BUNDLE_KEY.publicKey()), ES256)
                        .bundle();
                assertThat(TrustBundles.encodePayload(opened)).as("byte %d", i).isEqualTo(original);
            } catch (TrustBundleException expected) {
                refused++;
            }
        }
        assertThat(refused)
                .isGreaterThan(signed.length - BUNDLE_KEY.certificate().getEncoded().length - 8);
    }

    @Test
    void garbage_is_refused_with_a_message() {
        assertThatThrownBy(() -> TrustBundles.open(new byte[] {1, 2, 3}, Optional.empty(), ES256))
                .isInstanceOf(TrustBundleException.class)
                .hasMessageContaining("COSE_Sign1");
    }
}
