package io.checkpass.core.foreign.shc;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The numeric QR encoding of SMART Health Cards: {@code shc:/} followed by two digits per JWS character (its code
 * minus 45), either in one QR code or, for large cards, in chunks {@code shc:/i/n/…} that a scanner collects.
 *
 * <p>Limits from the SHC spec: a single QR carries at most 1,195 JWS characters, a chunk at most 1,191; and a card is
 * split into no more chunks than its size needs (the spec deprecates chunking and asks for balanced chunks).
 */
public final class ShcNumeric {
    public static final String PREFIX = "shc:/";
    public static final int MAX_SINGLE_JWS_CHARS = 1195;
    public static final int MAX_CHUNK_JWS_CHARS = 1191;
    private static final Pattern SINGLE = Pattern.compile("shc:/([0-9]+)");
    private static final Pattern CHUNK = Pattern.compile("shc:/([1-9][0-9]?)/([1-9][0-9]?)/([0-9]+)");

    private ShcNumeric() {}

    /**
     * Decodes one QR text, or all chunks of a chunked card in any order.
     *
     * @throws IllegalArgumentException if the texts are not one complete card in numeric mode
     */
    public static String decode(List<String> texts) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("no QR text");
        }
        if (texts.size() == 1) {
            Matcher single = SINGLE.matcher(texts.getFirst());
            if (single.matches()) {
                return digitsToJws(single.group(1), MAX_SINGLE_JWS_CHARS);
            }
        }
        String[] chunks = new String[texts.size()];
        int total = 0;
        for (String text : texts) {
            Matcher chunk = CHUNK.matcher(text);
            if (!chunk.matches()) {
                throw new IllegalArgumentException(
                        texts.size() == 1
                                ? "not a numeric SHC QR: expected shc:/ and digits"
                                : "a chunk of a multi-QR card must start shc:/index/count/");
            }
            int index = Integer.parseInt(chunk.group(1));
            int count = Integer.parseInt(chunk.group(2));
            if (count < 2 || count != texts.size() || index > count) {
                throw new IllegalArgumentException(
                        "chunk header " + index + "/" + count + " does not fit " + texts.size() + " QR codes");
            }
            if (chunks[index - 1] != null) {
                throw new IllegalArgumentException("chunk " + index + " appears twice");
            }
            chunks[index - 1] = digitsToJws(chunk.group(3), MAX_CHUNK_JWS_CHARS);
            total += chunks[index - 1].length();
        }
        int needed = (total + MAX_CHUNK_JWS_CHARS - 1) / MAX_CHUNK_JWS_CHARS;
        if (chunks.length > needed) {
            throw new IllegalArgumentException(
                    total + " JWS characters fit in " + needed + " QR codes, not " + chunks.length);
        }
        return String.join("", chunks);
    }

    private static String digitsToJws(String digits, int maxChars) {
        if (digits.length() % 2 != 0) {
            throw new IllegalArgumentException("numeric SHC data has an odd number of digits");
        }
        if (digits.length() / 2 > maxChars) {
            throw new IllegalArgumentException(
                    "numeric SHC data of " + digits.length() / 2 + " characters exceeds " + maxChars);
        }
        char[] jws = new char[digits.length() / 2];
        for (int i = 0; i < jws.length; i++) {
            int value = (digits.charAt(2 * i) - '0') * 10 + (digits.charAt(2 * i + 1) - '0');
            if (value > 77) {
                throw new IllegalArgumentException("numeric SHC pair " + value + " at " + i + " is above 77");
            }
            jws[i] = (char) (value + 45);
        }
        return new String(jws);
    }

    /** Encodes a JWS as one numeric QR text (for tests and tools). */
    public static String encode(String jws) {
        StringBuilder out = new StringBuilder(PREFIX.length() + 2 * jws.length()).append(PREFIX);
        for (int i = 0; i < jws.length(); i++) {
            int value = jws.charAt(i) - 45;
            if (value < 0 || value > 77) {
                throw new IllegalArgumentException(
                        "character U+%04X cannot be encoded in numeric SHC".formatted((int) jws.charAt(i)));
            }
            out.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
        }
        return out.toString();
    }
}
