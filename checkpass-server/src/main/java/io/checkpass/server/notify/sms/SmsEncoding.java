package io.checkpass.server.notify.sms;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How a text goes over SMPP: always UCS-2 ({@code data_coding} 8, UTF-16BE), so Hangul and Latin letters travel
 * alike. A text of up to 70 UTF-16 units is one {@code short_message}; a longer one is split into parts of 67 units,
 * each with a 6-octet user data header (IEI 0x00, an 8-bit reference, the count and the part's number), flagged by
 * {@code esm_class} UDHI (0x40). A part never ends between the two halves of a surrogate pair.
 */
public final class SmsEncoding {
    /** data_coding for UCS-2. */
    public static final byte UCS2 = 0x08;

    /** esm_class bit: the short message starts with a user data header. */
    public static final byte UDHI = 0x40;

    public static final int SINGLE_UNITS = 70;
    public static final int PART_UNITS = 67;
    public static final int MAX_PARTS = 255;

    private SmsEncoding() {}

    /** The octets of {@code text} in UCS-2. */
    public static byte[] ucs2(String text) {
        return text.getBytes(StandardCharsets.UTF_16BE);
    }

    /**
     * The short messages that carry {@code text}: one without a header if it fits, else concatenated parts.
     *
     * @param reference the concatenation reference (0..255) the parts share
     * @throws IllegalArgumentException past 255 parts
     */
    public static List<byte[]> parts(String text, int reference) {
        if (text.length() <= SINGLE_UNITS) {
            return List.of(ucs2(text));
        }
        List<String> chunks = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int end = Math.min(i + PART_UNITS, text.length());
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            chunks.add(text.substring(i, end));
            i = end;
        }
        if (chunks.size() > MAX_PARTS) {
            throw new IllegalArgumentException("a text of " + text.length() + " characters needs more than 255 parts");
        }
        List<byte[]> out = new ArrayList<>(chunks.size());
        for (int n = 0; n < chunks.size(); n++) {
            byte[] body = ucs2(chunks.get(n));
            byte[] part = new byte[6 + body.length];
            part[0] = 0x05; // UDH length
            part[1] = 0x00; // IEI: concatenated short messages, 8-bit reference
            part[2] = 0x03; // IE length
            part[3] = (byte) reference;
            part[4] = (byte) chunks.size();
            part[5] = (byte) (n + 1);
            System.arraycopy(body, 0, part, 6, body.length);
            out.add(part);
        }
        return out;
    }

    /** A received part: its text and, if it had a concatenation header, the reference, count and number. */
    public record Part(String text, int reference, int count, int number) {
        public boolean single() {
            return count == 1;
        }
    }

    /**
     * Reads one short message as the SMSC receives it (the in-process SMSC; tests). Handles the 8-bit-reference
     * header this class writes and the 16-bit one (IEI 0x08); other headers are skipped.
     */
    public static Part read(byte[] message, byte esmClass, byte dataCoding) {
        int offset = 0;
        int reference = 0;
        int count = 1;
        int number = 1;
        if ((esmClass & UDHI) != 0 && message.length > 0) {
            int udhLength = message[0] & 0xff;
            int p = 1;
            while (p < 1 + udhLength) {
                int iei = message[p] & 0xff;
                int len = message[p + 1] & 0xff;
                if (iei == 0x00 && len == 3) {
                    reference = message[p + 2] & 0xff;
                    count = message[p + 3] & 0xff;
                    number = message[p + 4] & 0xff;
                } else if (iei == 0x08 && len == 4) {
                    reference = ((message[p + 2] & 0xff) << 8) | (message[p + 3] & 0xff);
                    count = message[p + 4] & 0xff;
                    number = message[p + 5] & 0xff;
                }
                p += 2 + len;
            }
            offset = 1 + udhLength;
        }
        byte[] body = java.util.Arrays.copyOfRange(message, offset, message.length);
        String text = dataCoding == UCS2
                ? new String(body, StandardCharsets.UTF_16BE)
                : new String(body, StandardCharsets.ISO_8859_1);
        return new Part(text, reference, count, number);
    }
}
