package io.checkpass.server.keys;

import io.checkpass.core.crypto.Es256;
import io.checkpass.server.config.CheckpassConfig;
import io.checkpass.server.config.ConfigLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;

/**
 * Opens the vault of the centre's private keys where the configuration says: the PKCS#12 file in {@code keys.dir}
 * (the embedded default) or an HSM through PKCS#11 ({@code keys.store: pkcs11}; docs/operations.md, "Keys in an
 * HSM").
 */
public final class KeyVaults {
    /** The environment variable holding the HSM user PIN. */
    public static final String PIN_ENV = ConfigLoader.PKCS11_PIN_ENV;

    /** Where the keys live. */
    public enum Kind {
        PKCS12,
        PKCS11
    }

    private KeyVaults() {}

    /**
     * Opens the configured vault: the PKCS#11 token when {@code keys.store} is {@code pkcs11}, else the PKCS#12 file in
     * {@code keys.dir}. The key lifecycle ({@link KeyLifecycle}) makes the first keys in it, or adopts the
     * {@code issuer} and {@code bundle} keys an operator put there.
     *
     * @param environment where {@value #PIN_ENV} (and the PKCS#12 password) is looked up, usually {@code System.getenv()}
     * @throws IOException naming the key, where it was looked for and the fix
     */
    public static KeyVault open(CheckpassConfig config, Es256 es256, Map<String, String> environment)
            throws IOException {
        if (config.pkcs11().isPresent()) {
            return openVault(config.pkcs11().get(), es256, environment);
        }
        return Pkcs12Vault.open(config.keysDir(), es256, KeyDirectory.externalPassword(null));
    }

    /** Where a vault keeps its keys. */
    public static Kind kindOf(KeyVault vault) {
        return vault instanceof Pkcs11Vault ? Kind.PKCS11 : Kind.PKCS12;
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
}
