package io.checkpass.server.demo;

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
 * Session tokens of the demo wallet provider: {@code base64url(personId "|" expiry) "." base64url(HMAC-SHA256)},
 * stateless, under a key kept in the key directory, so a wallet stays signed in across centre restarts.
 */
public final class DemoWalletSessions {
    /** The key's file in the key directory (0600). */
    public static final String KEY_FILE = "demo-wallet-session.key";

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final byte[] key;
    private final Clock clock;
    private final Duration lifetime;

    private DemoWalletSessions(byte[] key, Clock clock, Duration lifetime) {
        this.key = key;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /** Opens the key in {@code keysDir}, making it on first use. */
    public static DemoWalletSessions open(Path keysDir, Clock clock, Duration lifetime) throws IOException {
        Path file = keysDir.resolve(KEY_FILE);
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
                    file + " must hold 32 bytes; delete it to make a new one (wallets will sign in again)");
        }
        return new DemoWalletSessions(key, clock, lifetime);
    }

    public record Session(String token, String personId, Instant expiresAt) {}

    public Session start(String personId) {
        Instant expires = clock.instant().plus(lifetime);
        String body = B64.encodeToString((personId + "|" + expires.getEpochSecond()).getBytes(StandardCharsets.UTF_8));
        return new Session(body + "." + B64.encodeToString(mac(body)), personId, expires);
    }

    /** The person of a valid, unexpired token. */
    public Optional<String> personOf(String token) {
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
