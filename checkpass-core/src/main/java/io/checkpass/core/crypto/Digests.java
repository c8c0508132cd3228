package io.checkpass.core.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256, which every JDK must provide; a missing one is a broken runtime, not a recoverable error. */
public final class Digests {
    private static final InstancePool<MessageDigest> SHA256 = new InstancePool<>(
            () -> {
                try {
                    return MessageDigest.getInstance("SHA-256");
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
                }
            },
            256);

    private Digests() {}

    public static byte[] sha256(byte[] data) {
        return sha256(data, 0, data.length);
    }

    public static byte[] sha256(byte[] data, int offset, int length) {
        MessageDigest digest = SHA256.borrow();
        digest.update(data, offset, length);
        byte[] hash = digest.digest();
        SHA256.release(digest);
        return hash;
    }
}
