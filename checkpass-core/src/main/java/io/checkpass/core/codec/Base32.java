package io.checkpass.core.codec;

/**
 * Strict RFC 4648 Base32 decoding without padding, as NZ COVID Passes use it: upper-case {@code A–Z2–7} only, no
 * {@code =}, no lengths that no byte string encodes to, and no stray bits in the last character.
 */
public final class Base32 {
    private Base32() {}

    /**
     * Decodes {@code text[from, to)}.
     *
     * @throws IllegalArgumentException if the text is not canonical unpadded Base32
     */
    public static byte[] decode(CharSequence text, int from, int to) {
        int length = to - from;
        int tail = length % 8;
        if (tail == 1 || tail == 3 || tail == 6) {
            throw new IllegalArgumentException(
                    "Base32 text length " + length + " is not the length of any byte string");
        }
        byte[] out = new byte[(int) ((long) length * 5 / 8)];
        int o = 0;
        int buffer = 0;
        int bits = 0;
        for (int i = from; i < to; i++) {
            buffer = (buffer << 5) | value(text.charAt(i), i - from);
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                out[o++] = (byte) (buffer >> bits);
                buffer &= (1 << bits) - 1;
            }
        }
        if (buffer != 0) {
            throw new IllegalArgumentException("Base32 text ends with non-zero padding bits");
        }
        return out;
    }

    private static int value(char c, int position) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= '2' && c <= '7') {
            return c - '2' + 26;
        }
        throw new IllegalArgumentException(
                "character U+%04X at %d is not in the Base32 alphabet".formatted((int) c, position));
    }
}
