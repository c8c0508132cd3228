package io.checkpass.core.crypto;

import java.nio.ByteBuffer;
import java.security.interfaces.ECPublicKey;
import java.util.HexFormat;

/**
 * An 8-byte key identifier: the first 8 bytes of SHA-256 over the key's uncompressed SEC 1 point
 * ({@code 0x04 ‖ x ‖ y}). Derived, never assigned, so anyone holding the public key can recompute it — the
 * browser scanner does so with WebCrypto.
 */
public record KeyId(long value) {

    public static KeyId of(ECPublicKey key) {
        byte[] digest = Digests.sha256(EcPoints.uncompressed(key));
        return fromBytes(digest);
    }

    /** Reads the first 8 bytes of {@code bytes}. */
    public static KeyId fromBytes(byte[] bytes) {
        if (bytes.length < 8) {
            throw new IllegalArgumentException("a key id is 8 bytes, got " + bytes.length);
        }
        return new KeyId(ByteBuffer.wrap(bytes).getLong());
    }

    public static KeyId parse(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        if (bytes.length != 8) {
            throw new IllegalArgumentException("a key id is 16 hex digits, got \"" + hex + "\"");
        }
        return fromBytes(bytes);
    }

    /** The 8 bytes, big-endian. */
    public byte[] bytes() {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes());
    }

    @Override
    public String toString() {
        return hex();
    }
}
