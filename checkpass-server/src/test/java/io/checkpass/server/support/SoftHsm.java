package io.checkpass.server.support;

import io.checkpass.core.crypto.Es256;
import io.checkpass.core.crypto.KeyStores;
import io.checkpass.server.keys.Pkcs11Vault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One private SoftHSM2 token per test JVM, in a fresh token directory: the HSM the PKCS#11 tests and the
 * issuance-on-SoftHSM run ({@link TestCentre#KEYS_PROPERTY}) use.
 *
 * <p>SoftHSM2 reads its configuration file from {@code SOFTHSM2_CONF} once, when the first PKCS#11 provider
 * initialises the library; a JVM cannot set its own environment, so surefire sets it for the fork
 * (checkpass-server/pom.xml) and this class writes that file, naming a token directory of its own, before any
 * provider is made. {@code softhsm2-util --init-token --free} gives the token a random slot id, so it is addressed
 * by slot list index 0.
 */
public final class SoftHsm {
    private static final Logger log = LoggerFactory.getLogger(SoftHsm.class);

    /** Debian's softhsm2 package (./checkpass-test installs it). */
    public static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");

    public static final String LABEL = "checkpass-test";
    /** The test token's user PIN: made up for a throwaway token, not a secret. */
    public static final String PIN = "test-user-pin-4711";

    private static final String SO_PIN = "test-so-pin-0815";
    private static final Instant CENTRE_KEYS_FROM = Instant.parse("2015-01-01T00:00:00Z");
    private static final Instant CENTRE_KEYS_UNTIL = Instant.parse("2045-01-01T00:00:00Z");

    private static SoftHsm token;

    private final Path tokenDir;
    private final Path pinFile;
    private boolean centreKeys;

    private SoftHsm(Path tokenDir, Path pinFile) {
        this.tokenDir = tokenDir;
        this.pinFile = pinFile;
    }

    /** This JVM's token, initialised on first use. */
    public static synchronized SoftHsm token() {
        if (token == null) {
            token = initialise();
        }
        return token;
    }

    private static SoftHsm initialise() {
        String conf = System.getenv("SOFTHSM2_CONF");
        if (conf == null || conf.isBlank()) {
            throw new IllegalStateException("SOFTHSM2_CONF is not set: surefire sets it for the test JVM"
                    + " (checkpass-server/pom.xml); outside Maven, set it to a file this test may write");
        }
        if (!Files.isRegularFile(LIBRARY)) {
            throw new IllegalStateException(LIBRARY + " is missing: install Debian's softhsm2 (./checkpass-test does)");
        }
        try {
            Path tokenDir = Files.createTempDirectory("checkpass-softhsm");
            Path confFile = Path.of(conf);
            Files.createDirectories(confFile.toAbsolutePath().getParent());
            Files.writeString(confFile, """
                    directories.tokendir = %s
                    objectstore.backend = file
                    log.level = ERROR
                    slots.removable = false
                    """.formatted(tokenDir), StandardCharsets.UTF_8);
            run(
                    confFile,
                    "softhsm2-util",
                    "--init-token",
                    "--free",
                    "--label",
                    LABEL,
                    "--so-pin",
                    SO_PIN,
                    "--pin",
                    PIN);
            Path pinFile = tokenDir.resolve("user.pin");
            Files.writeString(pinFile, PIN + "\n", StandardCharsets.UTF_8);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(tokenDir)));
            log.info("SoftHSM2 token '{}' in {} (SOFTHSM2_CONF={})", LABEL, tokenDir, confFile);
            return new SoftHsm(tokenDir, pinFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the test SoftHSM2 token", e);
        }
    }

    private static void run(Path confFile, String... command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SOFTHSM2_CONF", confFile.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(String.join(" ", command[0], command[1]) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        log.info("{}: {}", command[0], output.strip());
    }

    private static void delete(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // Shutting down: a leftover temporary directory is all that is lost.
        }
    }

    /** Logs in to the token as the centre would. */
    public Pkcs11Vault open(Es256 es256) throws IOException {
        return Pkcs11Vault.open(LIBRARY, 0, PIN.toCharArray(), es256);
    }

    /** The file holding the user PIN, for {@code keys.pkcs11.pin-file}. */
    public Path pinFile() {
        return pinFile;
    }

    public Path tokenDir() {
        return tokenDir;
    }

    /** The configuration keys that put a centre's keys in this token. */
    public Map<String, String> centreConfig() {
        return Map.of(
                "keys.store",
                "pkcs11",
                "keys.pkcs11.library",
                LIBRARY.toString(),
                "keys.pkcs11.slot-list-index",
                "0",
                "keys.pkcs11.pin-file",
                pinFile.toString());
    }

    /**
     * Makes sure the token holds the centre's {@code issuer} and {@code bundle} keys, generated through the vault
     * as an operator's {@code checkpass keys new --pkcs11} does; every test centre of this JVM shares them.
     */
    public synchronized SoftHsm withCentreKeys(Es256 es256) {
        if (!centreKeys) {
            try (Pkcs11Vault vault = open(es256)) {
                vault.generate(KeyStores.ISSUER, "checkpass issuer", CENTRE_KEYS_FROM, CENTRE_KEYS_UNTIL);
                vault.generate(KeyStores.BUNDLE, "checkpass trust bundle", CENTRE_KEYS_FROM, CENTRE_KEYS_UNTIL);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            centreKeys = true;
        }
        return this;
    }
}
