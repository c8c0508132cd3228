package io.checkpass.core.crypto;

import static io.checkpass.core.PassFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyStoresTest {
    @TempDir
    Path dir;

    @Test
    void keys_survive_a_pkcs12_round_trip_and_still_sign() throws IOException {
        Path file = dir.resolve("keys.p12");
        char[] password = "correct horse".toCharArray();
        KeyStores.write(file, password, Map.of(KeyStores.ISSUER, ISSUER_KEY, KeyStores.BUNDLE, BUNDLE_KEY));

        Map<String, SigningKey> read = KeyStores.read(file, password, ES256);
        assertThat(read.get(KeyStores.ISSUER).id()).isEqualTo(ISSUER_KEY.id());
        assertThat(read.get(KeyStores.BUNDLE).id()).isEqualTo(BUNDLE_KEY.id());
        assertThat(read.get(KeyStores.ISSUER).notAfter()).isEqualTo(ISSUER_KEY.notAfter());
        byte[] message = {1, 2, 3};
        byte[] signature = ES256.sign(read.get(KeyStores.ISSUER).privateKey(), message);
        assertThat(ES256.verify(ISSUER_KEY.publicKey(), message, signature)).isTrue();
        assertThat(Files.getPosixFilePermissions(file).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
    }

    @Test
    void a_wrong_password_says_so() throws IOException {
        Path file = dir.resolve("keys.p12");
        KeyStores.write(file, "right".toCharArray(), Map.of(KeyStores.ISSUER, ISSUER_KEY));
        assertThatThrownBy(() -> KeyStores.read(file, "wrong".toCharArray(), ES256))
                .hasMessageContaining("wrong password");
    }

    @Test
    void a_missing_or_corrupt_file_names_the_file_and_the_fix() throws IOException {
        assertThatThrownBy(() -> KeyStores.read(dir.resolve("nope.p12"), new char[0], ES256))
                .hasMessageContaining("nope.p12")
                .hasMessageContaining("checkpass keys new");
        Path corrupt = Files.write(dir.resolve("corrupt.p12"), new byte[] {0x30, 0x03, 1, 2, 3});
        assertThatThrownBy(() -> KeyStores.read(corrupt, new char[0], ES256)).hasMessageContaining("corrupt.p12");
    }

    @Test
    void key_ids_are_the_first_8_bytes_of_sha256_of_the_uncompressed_point() {
        byte[] digest = Digests.sha256(EcPoints.uncompressed(ISSUER_KEY.publicKey()));
        assertThat(ISSUER_KEY.id().bytes()).isEqualTo(Arrays.copyOf(digest, 8));
        assertThat(KeyId.parse(ISSUER_KEY.id().hex())).isEqualTo(ISSUER_KEY.id());
    }

    @Test
    void compressed_points_decode_to_the_same_key() {
        var key = ES256.publicKey(EcPoints.compressed(ISSUER_KEY.publicKey()));
        assertThat(key.getW()).isEqualTo(ISSUER_KEY.publicKey().getW());
        assertThatThrownBy(() -> ES256.publicKey(new byte[33])).isInstanceOf(IllegalArgumentException.class);
    }
}
