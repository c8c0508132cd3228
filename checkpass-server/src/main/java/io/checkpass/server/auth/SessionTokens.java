package io.checkpass.server.auth;

import io.checkpass.core.crypto.FilePermissions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed session tokens: {@code base64url(subject "|" expiry) "." base64url(HMAC-SHA256)}, stateless, under a key
 * kept in the key directory (one file per use), so a session outlives a centre restart. The demo wallet signs
 * holders in with them; the scanner page keeps its sign-in in one, as an HttpOnly cookie its scripts cannot read.
 */
public final class SessionTokens {
    /** The demo wallet's key file in the key directory (0600). */
    public static final String DEMO_WALLET_KEY_FILE = "demo-wallet-session.key";

    /** The scanner sessions' key file in the key directory (0600). */
    public static final String SCANNER_KEY_FILE = "scanner-session.key";

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final byte[] key;
    private final Clock clock;
    private final Duration lifetime;

    private SessionTokens(byte[] key, Clock clock, Duration lifetime) {
        this.key = key;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /** Opens the key {@code keyFile} in {@code keysDir}, making it on first use. */
    public static SessionTokens open(Path keysDir, String keyFile, Clock clock, Duration lifetime) throws IOException {
        Path file = keysDir.resolve(keyFile);
        if (!Files.isRegularFile(file)) {
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            Files.createDirectories(keysDir);
            Files.write(file, fresh);
            FilePermissions.ownerOnly(file);
        }
        byte[] key = Files.readAllBytes(file);
        if (key.length != 32) {
            throw new IOException(
                    file + " must hold 32 bytes; delete it to make a new one (its sessions must sign in again)");
        }
        return new SessionTokens(key, clock, lifetime);
    }

    public record Session(String token, String subject, Instant expiresAt) {}

    public Session start(String subject) {
        Instant expires = clock.instant().plus(lifetime);
        String body = B64.encodeToString((subject + "|" + expires.getEpochSecond()).getBytes(StandardCharsets.UTF_8));
        return new Session(body + "." + B64.encodeToString(mac(body)), subject, expires);
    }

    /** How long a session lasts. */
    public Duration lifetime() {
        return lifetime;
    }

    /** The subject of a valid, unexpired token. */
    public Optional<String> subjectOf(String token) {
        int dot = token.indexOf('.');
        if (dot <= 0 || token.length() > 512) {
            return Optional.empty();
        }
        String body = token.substring(0, dot);
        try {
            if (!MessageDigest.isEqual(mac(body), Base64.getUrlDecoder().decode(token.substring(dot + 1)))) {
                return Optional.empty();
            }
            String[] parts = new String(Base64.getUrlDecoder().decode(body), StandardCharsets.UTF_8).split("\\|", 2);
            if (parts.length != 2
                    || Instant.ofEpochSecond(Long.parseLong(parts[1])).isBefore(clock.instant())) {
                return Optional.empty();
            }
            return Optional.of(parts[0]);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
