package io.checkpass.server.keys;

import io.checkpass.core.crypto.Es256;
import io.checkpass.core.crypto.KeyStores;
import io.checkpass.core.crypto.SigningKey;
import io.checkpass.server.config.CheckpassConfig;
import io.checkpass.server.config.ConfigLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the centre's issuer and bundle keys where the configuration says they are: the PKCS#12 file in
 * {@code keys.dir} (the embedded default, created on first start) or an HSM through PKCS#11 ({@code keys.store:
 * pkcs11}), whose keys an operator creates beforehand (docs/operations.md, "Keys in an HSM").
 */
public final class KeyVaults {
    private static final Logger log = LoggerFactory.getLogger(KeyVaults.class);

    /** The environment variable holding the HSM user PIN. */
    public static final String PIN_ENV = ConfigLoader.PKCS11_PIN_ENV;

    /** Where the keys live. */
    public enum Kind {
        PKCS12,
        PKCS11
    }

    /**
     * The keys the centre signs with.
     *
     * @param vault the vault they came from, when it is open for more keys (rotation); the PKCS#12 directory is
     *              not a vault yet
     */
    public record CentreKeys(Kind kind, String source, SigningKey issuer, SigningKey bundle, Optional<KeyVault> vault)
            implements AutoCloseable {
        @Override
        public void close() {
            vault.ifPresent(KeyVault::close);
        }
    }

    private KeyVaults() {}

    /**
     * Opens the configured keys and checks that the issuer and bundle keys are there.
     *
     * @param environment where {@value #PIN_ENV} is looked up, usually {@code System.getenv()}
     * @throws IOException naming the key, where it was looked for and the fix
     */
    public static CentreKeys open(CheckpassConfig config, Es256 es256, Instant now, Map<String, String> environment)
            throws IOException {
        if (config.pkcs11().isPresent()) {
            return openPkcs11(config.pkcs11().get(), es256, environment);
        }
        return openOrCreatePkcs12(config, es256, now);
    }

    private static CentreKeys openOrCreatePkcs12(CheckpassConfig config, Es256 es256, Instant now) throws IOException {
        Optional<char[]> password = KeyDirectory.externalPassword(null);
        KeyDirectory directory;
        if (Files.isRegularFile(config.keysDir().resolve(KeyDirectory.KEYSTORE))) {
            directory = KeyDirectory.open(config.keysDir(), es256, password);
        } else {
            log.info("first start: generating issuer and bundle keys into {}", config.keysDir());
            // Valid from five years back, so a clock set in the 2021-22 pass era (demo, drills, tests) can still issue.
            directory = KeyDirectory.create(
                    config.keysDir(), es256, now.minus(Duration.ofDays(1826)), Duration.ofDays(3652), password);
        }
        return new CentreKeys(
                Kind.PKCS12,
                "PKCS#12 " + directory.dir().resolve(KeyDirectory.KEYSTORE),
                directory.issuer(),
                directory.bundle(),
                Optional.empty());
    }

    private static CentreKeys openPkcs11(CheckpassConfig.Pkcs11 settings, Es256 es256, Map<String, String> environment)
            throws IOException {
        Pkcs11Vault vault = openVault(settings, es256, environment);
        try {
            Map<String, SigningKey> keys = vault.keys();
            SigningKey issuer = required(keys, KeyStores.ISSUER, "checkpass issuer", vault);
            SigningKey bundle = required(keys, KeyStores.BUNDLE, "checkpass trust bundle", vault);
            log.info("issuer key {} and bundle key {} are in the {}", issuer.id(), bundle.id(), vault.describe());
            return new CentreKeys(Kind.PKCS11, vault.describe(), issuer, bundle, Optional.of(vault));
        } catch (IOException | RuntimeException e) {
            vault.close();
            throw e;
        }
    }

    /** Logs in to the configured token with the PIN from {@value #PIN_ENV} or {@code keys.pkcs11.pin-file}. */
    public static Pkcs11Vault openVault(CheckpassConfig.Pkcs11 settings, Es256 es256, Map<String, String> environment)
            throws IOException {
        return Pkcs11Vault.open(settings.library(), settings.slotListIndex(), pin(settings, environment), es256);
    }

    static char[] pin(CheckpassConfig.Pkcs11 settings, Map<String, String> environment) throws IOException {
        String fromEnvironment = environment.get(PIN_ENV);
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            return fromEnvironment.toCharArray();
        }
        if (settings.pinFile().isPresent()) {
            String pin = Files.readString(settings.pinFile().get(), StandardCharsets.UTF_8)
                    .strip();
            if (pin.isEmpty()) {
                throw new IOException("keys.pkcs11.pin-file "
                        + settings.pinFile().get() + " is empty; write the token's user PIN there");
            }
            return pin.toCharArray();
        }
        throw new IOException("keys.store = pkcs11 needs the token's user PIN: set " + PIN_ENV
                + " or keys.pkcs11.pin-file (never the configuration file)");
    }

    private static SigningKey required(Map<String, SigningKey> keys, String alias, String commonName, KeyVault vault)
            throws IOException {
        SigningKey key = keys.get(alias);
        if (key == null) {
            throw new IOException("the " + vault.describe() + " holds no '" + alias + "' key (it holds " + keys.keySet()
                    + "); create it on the token: checkpass keys new --pkcs11 (with the same checkpass.yaml and PIN),"
                    + " or keytool -genkeypair -alias " + alias + " -keyalg EC -groupname secp256r1 -dname \"CN="
                    + commonName + "\" -storetype PKCS11 (docs/operations.md, \"Keys in an HSM\")");
        }
        return key;
    }
}
