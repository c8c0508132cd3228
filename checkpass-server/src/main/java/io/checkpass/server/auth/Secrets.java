package io.checkpass.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Client secrets: 256 random bits, base64url. Being random, they need no slow password hash — SHA-256 is
 * enough to make a stolen table useless — and verifying one costs a microsecond, not the 50 ms of a KDF that
 * would cap issuance throughput (docs/adr/0006-client-authentication.md).
 */
public final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {}

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
    }

    /** Constant-time comparison. */
    public static boolean matches(String secret, byte[] expectedSha256) {
        return MessageDigest.isEqual(sha256(secret), expectedSha256);
    }
}
