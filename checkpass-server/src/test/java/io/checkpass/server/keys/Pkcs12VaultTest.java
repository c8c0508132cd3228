package io.checkpass.server.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkpass.core.crypto.Es256;
import io.checkpass.core.crypto.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Pkcs12VaultTest {
    static final Es256 ES256 = Es256.select();
    static final Instant FROM = Instant.parse("2021-01-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void a_key_directory_made_before_rotation_opens_as_a_vault_with_its_first_aliases() throws Exception {
        KeyDirectory made = KeyDirectory.create(dir, ES256, FROM, Duration.ofDays(730), Optional.empty());
        try (Pkcs12Vault vault = Pkcs12Vault.open(dir, ES256, Optional.empty())) {
            assertThat(vault.keys()).containsOnlyKeys("issuer", "bundle");
            assertThat(vault.keys().get("issuer").id()).isEqualTo(made.issuer().id());
            assertThat(vault.describe()).isEqualTo("PKCS#12 " + dir.resolve("keys.p12"));
        }
    }

    @Test
    void a_generated_key_is_kept_beside_the_others_seen_by_another_opener_and_never_overwritten() throws Exception {
        KeyDirectory.create(dir, ES256, FROM, Duration.ofDays(730), Optional.empty());
        try (Pkcs12Vault node1 = Pkcs12Vault.open(dir, ES256, Optional.empty());
                Pkcs12Vault node2 = Pkcs12Vault.open(dir, ES256, Optional.empty())) {
            assertThat(node2.keys()).hasSize(2);
            SigningKey added =
                    node1.generate("issuer-2", "checkpass issuer issuer-2", FROM, FROM.plus(Duration.ofDays(10)));
            assertThat(node2.keys()).containsOnlyKeys("issuer", "bundle", "issuer-2");
            assertThat(node2.keys().get("issuer-2").id()).isEqualTo(added.id());
            assertThat(Files.readString(dir.resolve("issuer-2.pub.pem"))).contains("PUBLIC KEY");
            assertThatThrownBy(() -> node2.generate("issuer-2", "again", FROM, FROM.plusSeconds(60)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("never overwritten");
            assertThatThrownBy(() -> node2.generate("../escape", "x", FROM, FROM.plusSeconds(60)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        // The old way in still finds the first keys.
        assertThat(KeyDirectory.open(dir, ES256, Optional.empty()).issuer()).isNotNull();
    }

    @Test
    void a_wrong_password_names_the_file() throws Exception {
        KeyDirectory.create(dir, ES256, FROM, Duration.ofDays(730), Optional.empty());
        assertThatThrownBy(() -> Pkcs12Vault.open(dir, ES256, Optional.of("wrong".toCharArray())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("keys.p12");
    }
}
