package io.checkpass.server.db;

import io.checkpass.core.crypto.FilePermissions;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Properties;

/**
 * The passwords of the embedded PostgreSQL's roles — the superuser {@code postgres} (owner and migrator), the identity
 * role and the visits role — generated on first start and kept in {@code <data>/embedded-pg.passwords}, readable by
 * its owner only (0600). Every connection to the embedded database needs one (scram-sha-256 in pg_hba.conf), so a
 * local process that cannot read this file cannot read names and phones, nor disable the audit log's triggers.
 */
record EmbeddedPasswords(String owner, String identity, String visits) {
    static final String FILE = "embedded-pg.passwords";

    static Path file(Path dataDir) {
        return dataDir.resolve(FILE);
    }

    /** The passwords on file, or empty if there is no file yet. */
    static Optional<EmbeddedPasswords> read(Path dataDir) {
        Path file = file(dataDir);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String owner = p.getProperty("postgres");
        String identity = p.getProperty("identity");
        String visits = p.getProperty("visits");
        if (owner == null || identity == null || visits == null) {
            throw new IllegalStateException(file + " lacks one of postgres, identity, visits; restore it from the"
                    + " backup of the data directory (docs/operations.md, \"Embedded database\")");
        }
        return Optional.of(new EmbeddedPasswords(owner, identity, visits));
    }

    /** The passwords on file; a new file with fresh random passwords if there is none. */
    static EmbeddedPasswords readOrCreate(Path dataDir) {
        return read(dataDir).orElseGet(() -> create(dataDir));
    }

    private static EmbeddedPasswords create(Path dataDir) {
        SecureRandom random = new SecureRandom();
        EmbeddedPasswords passwords = new EmbeddedPasswords(fresh(random), fresh(random), fresh(random));
        Properties p = new Properties();
        p.setProperty("postgres", passwords.owner());
        p.setProperty("identity", passwords.identity());
        p.setProperty("visits", passwords.visits());
        Path file = file(dataDir);
        Path temp = dataDir.resolve(FILE + ".new");
        try {
            Files.createDirectories(dataDir);
            Files.deleteIfExists(temp);
            Files.createFile(temp);
            // Restricted before the secrets are written, so they are never readable by others, not even briefly.
            FilePermissions.ownerOnly(temp);
            try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                p.store(out, "checkpass: passwords of the embedded PostgreSQL's roles; keep with the data directory");
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return passwords;
    }

    /** 256 bits, URL-safe Base64: nothing in it needs quoting in SQL or in a JDBC property. */
    private static String fresh(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public String toString() {
        return "EmbeddedPasswords[***]";
    }
}
