package io.checkpass.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Base45 (RFC 9285): two bytes become three characters of the QR alphanumeric alphabet, so a QR code in
 * alphanumeric mode carries binary data at 5.5 bits per character.
 *
 * <p>No maintained library offers a strict Base45 codec, so this one is hand-written (about 60 lines) and
 * strict: it rejects characters outside the alphabet, a dangling single character and any triple whose value
 * exceeds 65535, instead of decoding garbage.
 */
public final class Base45 {
    private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".toCharArray();
    private static final byte[] DECODE = new byte[128];

    static {
        Arrays.fill(DECODE, (byte) -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            DECODE[ALPHABET[i]] = (byte) i;
        }
    }

    private Base45() {}

    /** Encodes bytes as Base45 text. */
    public static String encode(byte[] data) {
        char[] out = new char[encodedLength(data.length)];
        int o = 0;
        int i = 0;
        for (; i + 1 < data.length; i += 2) {
            int n = ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
            out[o++] = ALPHABET[n % 45];
            out[o++] = ALPHABET[(n / 45) % 45];
            out[o++] = ALPHABET[n / 2025];
        }
        if (i < data.length) {
            int n = data[i] & 0xff;
            out[o++] = ALPHABET[n % 45];
            out[o++] = ALPHABET[n / 45];
        }
        return new String(out);
    }

    /** The number of characters {@link #encode} produces for {@code byteCount} bytes. */
    public static int encodedLength(int byteCount) {
        return byteCount / 2 * 3 + (byteCount % 2) * 2;
    }

    /**
     * Decodes {@code text[from, to)}.
     *
     * @throws IllegalArgumentException if the text is not valid Base45
     */
    public static byte[] decode(CharSequence text, int from, int to) {
        int length = to - from;
        if (length % 3 == 1) {
            throw new IllegalArgumentException("Base45 text length " + length + " leaves a dangling character");
        }
        byte[] out = new byte[length / 3 * 2 + (length % 3 == 2 ? 1 : 0)];
        int o = 0;
        int i = from;
        for (; i + 2 < to; i += 3) {
            int n = value(text.charAt(i)) + value(text.charAt(i + 1)) * 45 + value(text.charAt(i + 2)) * 2025;
            if (n > 0xffff) {
                throw new IllegalArgumentException("Base45 triple at " + (i - from) + " exceeds 65535");
            }
            out[o++] = (byte) (n >> 8);
            out[o++] = (byte) n;
        }
        if (i < to) {
            int n = value(text.charAt(i)) + value(text.charAt(i + 1)) * 45;
            if (n > 0xff) {
                throw new IllegalArgumentException("Base45 final pair exceeds 255");
            }
            out[o] = (byte) n;
        }
        return out;
    }

    /** Decodes the whole text. */
    public static byte[] decode(CharSequence text) {
        return decode(text, 0, text.length());
    }

    /** Decodes ASCII bytes of Base45 text. */
    public static byte[] decode(byte[] ascii) {
        return decode(new String(ascii, StandardCharsets.ISO_8859_1));
    }

    private static int value(char c) {
        int v = c < 128 ? DECODE[c] : -1;
        if (v < 0) {
            throw new IllegalArgumentException("character U+%04X is not in the Base45 alphabet".formatted((int) c));
        }
        return v;
    }
}
