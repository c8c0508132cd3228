package io.checkpass.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A key held by another provider (an HSM's, in production SunPKCS11) is signed by that provider, never by the
 * selected software provider, and its signatures verify in software. SunEC stands in for the token here; the real
 * token is SoftHSM2 in the server's Pkcs11VaultTest.
 */
class TokenSigningTest {
    private static final Es256 ACCP_OR_FIRST = Es256.select();
    private static final Instant FROM = Instant.parse("2021-01-01T00:00:00Z");
    private static final Instant UNTIL = Instant.parse("2031-01-01T00:00:00Z");

    @Test
    void a_token_key_signs_through_the_tokens_provider_and_verifies_in_software() throws Exception {
        AtomicInteger signersMade = new AtomicInteger();
        Provider token = countingSunEc(signersMade);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", Security.getProvider("SunEC"));
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        var certificate = KeyStores.selfSigned(pair, "token key", FROM, UNTIL, Security.getProvider("SunEC"));
        ECPublicKey publicKey = ACCP_OR_FIRST.importPublic((ECPublicKey) pair.getPublic());
        SigningKey key =
                new SigningKey(KeyId.of(publicKey), pair.getPrivate(), publicKey, certificate, Optional.of(token));

        byte[] message = "Sig_structure".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 3; i++) {
            byte[] signature = ACCP_OR_FIRST.sign(key, message);
            assertThat(signature).hasSize(64);
            assertThat(ACCP_OR_FIRST.verify(publicKey, message, signature)).isTrue();
        }
        assertThat(signersMade).as("one pooled signer of the token, reused").hasValue(1);
        assertThat(key.inToken()).isTrue();
        assertThat(key.toString()).contains("in token");
    }

    @Test
    void a_software_key_signs_as_before() {
        SigningKey key = KeyStores.generate(ACCP_OR_FIRST, "software key", FROM, UNTIL);
        byte[] message = {1, 2, 3};
        assertThat(key.inToken()).isFalse();
        assertThat(ACCP_OR_FIRST.verify(key.publicKey(), message, ACCP_OR_FIRST.sign(key, message)))
                .isTrue();
    }

    @Test
    void a_key_id_that_does_not_match_the_public_key_is_refused() {
        SigningKey key = KeyStores.generate(ACCP_OR_FIRST, "software key", FROM, UNTIL);
        assertThatThrownBy(() -> new SigningKey(
                        KeyId.fromBytes(new byte[8]), key.privateKey(), key.publicKey(), key.certificate()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** SunEC's signature service under another provider, counting the signers made from it. */
    private static Provider countingSunEc(AtomicInteger made) {
        Provider sunEc = Security.getProvider("SunEC");
        Provider.Service p1363 = sunEc.getService("Signature", "SHA256withECDSAinP1363Format");
        return new CountingToken(p1363, made);
    }

    private static final class CountingToken extends Provider {
        CountingToken(Provider.Service p1363, AtomicInteger made) {
            super("TestToken", "1", "a stand-in token");
            putService(
                    new Provider.Service(
                            this, "Signature", "SHA256withECDSAinP1363Format", p1363.getClassName(), null, null) {
                        @Override
                        public Object newInstance(Object parameter) throws NoSuchAlgorithmException {
                            made.incrementAndGet();
                            return p1363.newInstance(parameter);
                        }
                    });
        }
    }
}
