package io.checkpass.server.keys;

import io.checkpass.core.crypto.Es256;
import io.checkpass.core.crypto.FilePermissions;
import io.checkpass.core.crypto.KeyStores;
import io.checkpass.core.crypto.Pem;
import io.checkpass.core.crypto.SigningKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * A directory holding the centre's signing keys:
 *
 * <ul>
 *   <li>{@code keys.p12} — PKCS#12 with the {@code issuer} and {@code bundle} keys;
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
        Files.createDirectories(dir);
        Path keystore = dir.resolve(KEYSTORE);
        if (Files.exists(keystore)) {
            throw new IOException(
                    keystore + " already exists; keys are never overwritten. Use another directory or remove it.");
        }
        char[] pass = password.orElseGet(() -> generatePassword(dir));
        Instant notAfter = notBefore.plus(validity);
        SigningKey issuer = KeyStores.generate(es256, "checkpass issuer", notBefore, notAfter);
        SigningKey bundle = KeyStores.generate(es256, "checkpass trust bundle", notBefore, notAfter);
        KeyStores.write(keystore, pass, Map.of(KeyStores.ISSUER, issuer, KeyStores.BUNDLE, bundle));
        Files.writeString(dir.resolve(ISSUER_PUBLIC), Pem.publicKey(issuer.publicKey()));
        Files.writeString(dir.resolve(BUNDLE_PUBLIC), Pem.publicKey(bundle.publicKey()));
        return new KeyDirectory(dir, issuer, bundle);
    }

    private static char[] generatePassword(Path dir) {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        try {
            Path file = dir.resolve(PASSWORD_FILE);
            Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
            FilePermissions.ownerOnly(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(PASSWORD_FILE), e);
        }
        return password.toCharArray();
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
        char[] pass = password.isPresent() ? password.get() : readPasswordFile(dir);
        Map<String, SigningKey> keys = KeyStores.read(keystore, pass, es256);
        SigningKey issuer = keys.get(KeyStores.ISSUER);
        SigningKey bundle = keys.get(KeyStores.BUNDLE);
        if (issuer == null || bundle == null) {
            throw new IOException(keystore + " must hold the aliases '" + KeyStores.ISSUER + "' and '"
                    + KeyStores.BUNDLE + "', found " + keys.keySet());
        }
        return new KeyDirectory(dir, issuer, bundle);
    }

    private static char[] readPasswordFile(Path dir) throws IOException {
        Path file = dir.resolve(PASSWORD_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException(
                    "no keystore password: set " + PASSWORD_ENV + ", pass --password-file, or put it in " + file);
        }
        return Files.readString(file, StandardCharsets.UTF_8).strip().toCharArray();
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

    public SigningKey issuer() {
        return issuer;
    }

    public SigningKey bundle() {
        return bundle;
    }
}
