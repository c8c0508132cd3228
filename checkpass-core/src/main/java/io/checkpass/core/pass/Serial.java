package io.checkpass.core.pass;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A pass serial: 96 random bits, fresh for every issuance, so the visit log holds serials that rotate and
 * cannot be linked to one another without the issuance ledger. Written as 24 lower-case hex digits.
 *
 * <p>96 bits, not 128, to keep the QR within 400 characters: even 1.4 billion serials alive in one 28-day
 * window collide with probability about 10⁻¹¹.
 */
public record Serial(long high, int low) {
    public static final int BYTES = 12;

    public static Serial random(SecureRandom random) {
        return new Serial(random.nextLong(), random.nextInt());
    }

    public static Serial fromBytes(byte[] b) {
        if (b.length != BYTES) {
            throw new IllegalArgumentException("a serial is " + BYTES + " bytes, got " + b.length);
        }
        ByteBuffer buffer = ByteBuffer.wrap(b);
        return new Serial(buffer.getLong(), buffer.getInt());
    }

    /**
     * Parses 24 hex digits.
     *
     * @throws IllegalArgumentException otherwise
     */
    public static Serial parse(String hex) {
        if (hex == null || hex.length() != BYTES * 2) {
            throw new IllegalArgumentException("a serial is " + BYTES * 2 + " hex digits");
        }
        return fromBytes(HexFormat.of().parseHex(hex));
    }

    /** The 12 bytes, big-endian: {@code high} then {@code low}. */
    public byte[] bytes() {
        return ByteBuffer.allocate(BYTES).putLong(high).putInt(low).array();
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes());
    }

    @Override
    public String toString() {
        return hex();
    }
}
