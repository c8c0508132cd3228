package io.checkpass.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.interfaces.ECPublicKey;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every provider family signs raw r‖s that every other one verifies: the fallbacks are real fallbacks. */
class Es256ProvidersTest {

    @ParameterizedTest
    @EnumSource(Es256.Kind.class)
    void signatures_interoperate_across_providers(Es256.Kind kind) {
        Es256 signer = Es256.of(kind);
        var pair = signer.generateKeyPair();
        byte[] message = "checkpass".getBytes();
        byte[] signature = signer.sign(pair.getPrivate(), message);
        assertThat(signature).hasSize(64);
        for (Es256.Kind other : Es256.Kind.values()) {
            Es256 verifier = Es256.of(other);
            ECPublicKey key = verifier.importPublic((ECPublicKey) pair.getPublic());
            assertThat(verifier.verify(key, message, signature))
                    .as("%s verifies %s", other, kind)
                    .isTrue();
            signature[0] ^= 1;
            assertThat(verifier.verify(key, message, signature))
                    .as("%s refuses altered", other)
                    .isFalse();
            signature[0] ^= 1;
        }
    }
}
