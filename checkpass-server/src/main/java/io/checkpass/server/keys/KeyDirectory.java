package io.checkpass.server.keys;

import io.checkpass.core.crypto.Es256;
import io.checkpass.core.crypto.KeyStores;
import io.checkpass.core.crypto.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A directory holding the centre's signing keys, as the offline commands ({@code keys new}, {@code pass issue},
 * {@code bundle build}) use it: its {@link Pkcs12Vault} with the first issuer and bundle keys.
 *
 * <ul>
 *   <li>{@code keys.p12} — PKCS#12 with the {@code issuer} and {@code bundle} keys, and any rotated in later
 *       ({@code issuer-2}, {@code bundle-2}, ...: docs/adr/0014-key-rotation.md);
 *   <li>{@code keystore.password} — its password (0600), unless one is supplied from outside;
 *   <li>{@code issuer.pub.pem}, {@code bundle.pub.pem} — the public halves; {@code bundle.pub.pem} is the trust
 *       anchor scanners pin.
 * </ul>
 *
 * <p>The password comes, in order, from the caller (a {@code --password-file} or the
 * {@value #PASSWORD_ENV} environment variable) or from {@code keystore.password}. A generated password file is a
 * development convenience; production passes the password from outside, or keeps the keys in an HSM.
 */
public final class KeyDirectory {
    public static final String KEYSTORE = "keys.p12";
    public static final String PASSWORD_FILE = "keystore.password";
    public static final String ISSUER_PUBLIC = "issuer.pub.pem";
    public static final String BUNDLE_PUBLIC = "bundle.pub.pem";
    public static final String PASSWORD_ENV = "CHECKPASS_KEYSTORE_PASSWORD";
    /** Alias of the first issuer key; rotation adds {@code issuer-2}, {@code issuer-3}, ... */
    public static final String ISSUER = KeyStores.ISSUER;
    /** Alias of the first bundle key; rollover adds {@code bundle-2}, {@code bundle-3}, ... */
    public static final String BUNDLE = KeyStores.BUNDLE;

    private final Path dir;
    private final SigningKey issuer;
    private final SigningKey bundle;

    private KeyDirectory(Path dir, SigningKey issuer, SigningKey bundle) {
        this.dir = dir;
        this.issuer = issuer;
        this.bundle = bundle;
    }

    /**
     * Generates an issuer key and a bundle key valid from {@code notBefore} for {@code validity}, and writes them.
     *
     * @throws IOException if the directory already holds a keystore (keys are never overwritten) or cannot be written
     */
    public static KeyDirectory create(
            Path dir, Es256 es256, Instant notBefore, Duration validity, Optional<char[]> password) throws IOException {
        Path keystore = dir.resolve(KEYSTORE);
        if (Files.exists(keystore)) {
            throw new IOException(
                    keystore + " already exists; keys are never overwritten. Use another directory or remove it.");
        }
        try (Pkcs12Vault vault = Pkcs12Vault.open(dir, es256, password)) {
            Instant notAfter = notBefore.plus(validity);
            SigningKey issuer = vault.generate(ISSUER, "checkpass issuer", notBefore, notAfter);
            SigningKey bundle = vault.generate(BUNDLE, "checkpass trust bundle", notBefore, notAfter);
            return new KeyDirectory(dir, issuer, bundle);
        }
    }

    /**
     * Opens an existing key directory.
     *
     * @throws IOException naming the file at fault and the fix
     */
    public static KeyDirectory open(Path dir, Es256 es256, Optional<char[]> password) throws IOException {
        Path keystore = dir.resolve(KEYSTORE);
        if (!Files.isRegularFile(keystore)) {
            throw new IOException(
                    "no keystore at " + keystore + "; create one with 'checkpass keys new --out " + dir + "'");
        }
        try (Pkcs12Vault vault = Pkcs12Vault.open(dir, es256, password)) {
            Map<String, SigningKey> keys = vault.keys();
            SigningKey issuer = keys.get(ISSUER);
            SigningKey bundle = keys.get(BUNDLE);
            if (issuer == null || bundle == null) {
                throw new IOException(keystore + " must hold the aliases '" + ISSUER + "' and '" + BUNDLE + "', found "
                        + keys.keySet());
            }
            return new KeyDirectory(dir, issuer, bundle);
        }
    }

    /** The password from {@code --password-file} if given, else from {@value #PASSWORD_ENV}, else empty. */
    public static Optional<char[]> externalPassword(Path passwordFile) throws IOException {
        if (passwordFile != null) {
            return Optional.of(Files.readString(passwordFile, StandardCharsets.UTF_8)
                    .strip()
                    .toCharArray());
        }
        String env = System.getenv(PASSWORD_ENV);
        return env == null || env.isEmpty() ? Optional.empty() : Optional.of(env.toCharArray());
    }

    public Path dir() {
        return dir;
    }

    /** The first issuer key (alias {@code issuer}); the centre signs with the one its key lifecycle says. */
    public SigningKey issuer() {
        return issuer;
    }

    /** The first bundle key (alias {@code bundle}). */
    public SigningKey bundle() {
        return bundle;
    }
}
