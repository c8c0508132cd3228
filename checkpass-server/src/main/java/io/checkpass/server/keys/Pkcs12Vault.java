package io.checkpass.server.keys;

import io.checkpass.core.crypto.Es256;
import io.checkpass.core.crypto.FilePermissions;
import io.checkpass.core.crypto.KeyStores;
import io.checkpass.core.crypto.Pem;
import io.checkpass.core.crypto.SigningKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The keys directory's PKCS#12 file as a {@link KeyVault}: {@code keys.p12} holds every key by alias, and each key's
 * public half is written beside it as {@code <alias>.pub.pem} ({@code bundle.pub.pem} is the first trust anchor).
 * The file is re-read when it changes, so a node picks up a key that {@code checkpass keys rotate} added on another
 * process sharing the directory. Adding a key rewrites the file atomically under a lock file; keys are never
 * overwritten.
 */
public final class Pkcs12Vault implements KeyVault {
    /** Aliases are file-name safe: they name the public-key files. */
    private static final Pattern ALIAS = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    private final Path dir;
    private final Path keystore;
    private final char[] password;
    private final Es256 es256;
    private Map<String, SigningKey> loaded = Map.of();
    /** The keystore's modification time and size when last read: a change to either means read it again. */
    private String loadedModified;

    private Pkcs12Vault(Path dir, char[] password, Es256 es256) {
        this.dir = dir;
        this.keystore = dir.resolve(KeyDirectory.KEYSTORE);
        this.password = password;
        this.es256 = es256;
    }

    /**
     * Opens the vault in {@code dir}. The password is {@code password} if given (a {@code --password-file} or
     * {@value KeyDirectory#PASSWORD_ENV}), else {@code keystore.password}; with neither and no keystore yet, a
     * password is generated into {@code keystore.password} (a development convenience).
     *
     * @throws IOException naming the file at fault and the fix
     */
    public static Pkcs12Vault open(Path dir, Es256 es256, Optional<char[]> password) throws IOException {
        Files.createDirectories(dir);
        char[] pass;
        if (password.isPresent()) {
            pass = password.get();
        } else if (Files.isRegularFile(dir.resolve(KeyDirectory.PASSWORD_FILE))) {
            pass = Files.readString(dir.resolve(KeyDirectory.PASSWORD_FILE), StandardCharsets.UTF_8)
                    .strip()
                    .toCharArray();
        } else if (!Files.exists(dir.resolve(KeyDirectory.KEYSTORE))) {
            pass = generatePassword(dir);
        } else {
            throw new IOException("no keystore password: set " + KeyDirectory.PASSWORD_ENV
                    + ", pass --password-file, or put it in " + dir.resolve(KeyDirectory.PASSWORD_FILE));
        }
        Pkcs12Vault vault = new Pkcs12Vault(dir, pass, es256);
        vault.keys();
        return vault;
    }

    private static char[] generatePassword(Path dir) {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        try {
            Path file = dir.resolve(KeyDirectory.PASSWORD_FILE);
            Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
            FilePermissions.ownerOnly(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(KeyDirectory.PASSWORD_FILE), e);
        }
        return password.toCharArray();
    }

    @Override
    public synchronized Map<String, SigningKey> keys() throws IOException {
        if (!Files.exists(keystore)) {
            return Map.of();
        }
        String modified = Files.getLastModifiedTime(keystore).toMillis() + "/" + Files.size(keystore);
        if (!modified.equals(loadedModified)) {
            loaded = Map.copyOf(KeyStores.read(keystore, password, es256));
            loadedModified = modified;
        }
        return loaded;
    }

    @Override
    public synchronized SigningKey generate(String alias, String commonName, Instant notBefore, Instant notAfter)
            throws IOException {
        if (!ALIAS.matcher(alias).matches()) {
            throw new IllegalArgumentException("alias '" + alias + "' must match " + ALIAS.pattern());
        }
        try (FileChannel lockFile = FileChannel.open(
                        dir.resolve("keys.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = lockFile.lock()) {
            loadedModified = null;
            Map<String, SigningKey> all = new LinkedHashMap<>(keys());
            if (all.containsKey(alias)) {
                throw new IOException(
                        keystore + " already holds the alias '" + alias + "'; keys are never overwritten");
            }
            SigningKey key = KeyStores.generate(es256, commonName, notBefore, notAfter);
            all.put(alias, key);
            KeyStores.write(keystore, password, all);
            Files.writeString(dir.resolve(alias + ".pub.pem"), Pem.publicKey(key.publicKey()));
            loadedModified = null;
            keys();
            return key;
        }
    }

    @Override
    public String describe() {
        return "PKCS#12 " + keystore;
    }

    /** Nothing to release: the file is read and written whole. */
    @Override
    public void close() {}
}
