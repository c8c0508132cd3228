package io.checkpass.server.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkpass.core.crypto.Es256;
import io.checkpass.core.crypto.SigningKey;
import io.checkpass.server.config.CheckpassConfig;
import io.checkpass.server.config.ConfigException;
import io.checkpass.server.config.ConfigLoader;
import io.checkpass.server.support.SoftHsm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys in a real PKCS#11 token (SoftHSM2) through SunPKCS11: generation, listing, signing, start-up errors. */
class Pkcs11VaultTest {
    private static final Es256 ES256 = Es256.select();
    private static final Instant FROM = Instant.parse("2021-01-01T00:00:00Z");
    private static final Instant UNTIL = Instant.parse("2031-01-01T00:00:00Z");

    @TempDir
    Path data;

    private final SoftHsm hsm = SoftHsm.token();

    private static String alias() {
        return "test-" + UUID.randomUUID();
    }

    @Test
    void a_generated_key_stays_in_the_token_and_signs_there_and_software_verifies_it() throws Exception {
        String alias = alias();
        try (Pkcs11Vault vault = hsm.open(ES256)) {
            SigningKey generated = vault.generate(alias, "checkpass issuer", FROM, UNTIL);

            assertThat(generated.inToken()).isTrue();
            assertThat(generated.token()).contains(vault.provider());
            assertThat(generated.privateKey())
                    .as("a sensitive key is a handle, not a scalar")
                    .isNotInstanceOf(ECPrivateKey.class);
            assertThat(generated.privateKey().getEncoded())
                    .as("not extractable")
                    .isNull();
            assertThat(generated.notBefore()).isEqualTo(FROM);
            assertThat(generated.notAfter()).isEqualTo(UNTIL);
            assertThat(generated.certificate().getSubjectX500Principal().getName())
                    .isEqualTo("CN=checkpass issuer");
            generated.certificate().verify(generated.publicKey(), "SunEC");

            byte[] message = "a credential's Sig_structure".getBytes(StandardCharsets.UTF_8);
            byte[] signature = ES256.sign(generated, message);
            assertThat(signature).hasSize(64);
            assertThat(ES256.verify(generated.publicKey(), message, signature)).isTrue();
            assertThat(ES256.verify(
                            generated.publicKey(), "another message".getBytes(StandardCharsets.UTF_8), signature))
                    .isFalse();
            assertThat(generated.publicKey().getClass().getName())
                    .as("verification stays in the software provider")
                    .doesNotContain("P11");
        }
        try (Pkcs11Vault reopened = hsm.open(ES256)) {
            SigningKey listed = reopened.keys().get(alias);
            assertThat(listed).as("listed after a new login").isNotNull();
            byte[] message = {1, 2, 3};
            assertThat(ES256.verify(listed.publicKey(), message, ES256.sign(listed, message)))
                    .isTrue();
        }
    }

    @Test
    void a_taken_alias_is_never_overwritten() throws Exception {
        String alias = alias();
        try (Pkcs11Vault vault = hsm.open(ES256)) {
            SigningKey first = vault.generate(alias, "first", FROM, UNTIL);
            assertThatThrownBy(() -> vault.generate(alias, "second", FROM, UNTIL))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(alias)
                    .hasMessageContaining("never overwritten");
            assertThat(vault.keys().get(alias).id()).isEqualTo(first.id());
        }
    }

    /**
     * In a JVM of its own: PKCS#11 login belongs to the process, and SunPKCS11 does not log in again while the token
     * is logged in (other tests here are), so a PIN is checked at a process's first login, as at a centre's start.
     */
    @Test
    void a_wrong_pin_is_refused_at_the_first_login_with_the_fix() throws Exception {
        Probe wrong = probe("not-the-pin");
        assertThat(wrong.exitCode()).as(wrong.output()).isEqualTo(1);
        assertThat(wrong.output())
                .contains("refused the PIN")
                .contains("CHECKPASS_PKCS11_PIN")
                .contains("keys.pkcs11.pin-file");
        Probe right = probe(SoftHsm.PIN);
        assertThat(right.exitCode()).as(right.output()).isZero();
        assertThat(right.output()).contains("opened PKCS#11 token at slot list index 0");
    }

    private record Probe(int exitCode, String output) {}

    /** Runs {@link FirstLoginProbe} in a new JVM on this test's class path, with this JVM's SOFTHSM2_CONF. */
    private static Probe probe(String pin) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(
                        java.toString(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        FirstLoginProbe.class.getName(),
                        SoftHsm.LIBRARY.toString(),
                        "0",
                        pin)
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the probe did not finish: " + output);
        }
        return new Probe(process.exitValue(), output);
    }

    private Map<String, String> withoutPinFile() {
        Map<String, String> config = new HashMap<>(hsm.centreConfig());
        config.remove("keys.pkcs11.pin-file");
        return config;
    }

    @Test
    void a_slot_without_a_token_is_refused_naming_the_slot_key() {
        assertThatThrownBy(() -> Pkcs11Vault.open(SoftHsm.LIBRARY, 9, SoftHsm.PIN.toCharArray(), ES256))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("slot list index 9")
                .hasMessageContaining("keys.pkcs11.slot-list-index");
    }

    @Test
    void configuration_names_the_key_and_the_fix_before_anything_opens() throws Exception {
        assertThat(load(Map.of()).pkcs11()).as("PKCS#12 stays the default").isEmpty();
        assertThatThrownBy(() -> load(Map.of("keys.store", "hsm")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("keys.store")
                .hasMessageContaining("pkcs11");
        assertThatThrownBy(() -> load(Map.of("keys.store", "pkcs11")))
                .hasMessageContaining("keys.pkcs11.library")
                .hasMessageContaining("libsofthsm2.so");
        assertThatThrownBy(() -> load(Map.of("keys.store", "pkcs11", "keys.pkcs11.library", "/nowhere/libhsm.so")))
                .hasMessageContaining("keys.pkcs11.library = '/nowhere/libhsm.so' does not exist");
        assertThatThrownBy(() -> load(Map.of(
                        "keys.store", "pkcs11",
                        "keys.pkcs11.library", SoftHsm.LIBRARY.toString(),
                        "keys.pkcs11.slot-list-index", "-1")))
                .hasMessageContaining("keys.pkcs11.slot-list-index");

        Path yaml = data.resolve("with-pin.yaml");
        Files.writeString(yaml, "keys:\n  store: pkcs11\n  pkcs11:\n    pin: 1234\n");
        assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of(), Map.of("data.dir", data.toString())))
                .hasMessageContaining("keys.pkcs11.pin must not be written in a file")
                .hasMessageContaining("CHECKPASS_PKCS11_PIN");

        CheckpassConfig config = load(hsmConfig(Map.of()));
        assertThat(config.pkcs11()).hasValueSatisfying(p -> {
            assertThat(p.library()).isEqualTo(SoftHsm.LIBRARY);
            assertThat(p.slotListIndex()).isZero();
        });
    }

    @Test
    void start_up_without_a_pin_names_what_is_missing_and_with_it_opens_the_token() throws Exception {
        Map<String, String> noPinFile = withoutPinFile();
        assertThatThrownBy(() -> KeyVaults.open(load(noPinFile), ES256, Map.of()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("CHECKPASS_PKCS11_PIN")
                .hasMessageContaining("keys.pkcs11.pin-file");

        Map<String, String> pin = Map.of(KeyVaults.PIN_ENV, SoftHsm.PIN);
        try (KeyVault vault = KeyVaults.open(load(noPinFile), ES256, pin)) {
            assertThat(KeyVaults.kindOf(vault)).isEqualTo(KeyVaults.Kind.PKCS11);
            assertThat(vault.describe()).contains("PKCS#11").contains(SoftHsm.LIBRARY.toString());
        }
    }

    private Map<String, String> hsmConfig(Map<String, String> more) {
        Map<String, String> config = new HashMap<>(hsm.centreConfig());
        config.putAll(more);
        return config;
    }

    private CheckpassConfig load(Map<String, String> overrides) {
        Map<String, String> all = new HashMap<>(overrides);
        all.put("data.dir", data.toString());
        return ConfigLoader.load(null, Map.of(), all);
    }
}
