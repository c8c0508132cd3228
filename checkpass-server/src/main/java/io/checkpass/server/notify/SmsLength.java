package io.checkpass.server.notify;

/**
 * How long a text is by the measures Korean carriers bill by: an SMS is 90 bytes with Hangul counted as two (the
 * EUC-KR measure) and, over SMPP in UCS-2, 70 characters; an LMS is 2,000 bytes by the same byte measure.
 */
public final class SmsLength {
    /** One SMS, in bytes counting every non-ASCII character as two. */
    public static final int SMS_BYTES = 90;

    /** One SMS in UCS-2 (data_coding 8): 140 octets. */
    public static final int SMS_UCS2_CHARS = 70;

    /** One LMS, in bytes counting every non-ASCII character as two. */
    public static final int LMS_BYTES = 2000;

    private SmsLength() {}

    /** Bytes as carriers count them: ASCII one, anything else (Hangul) two, as EUC-KR/CP949 encode it. */
    public static int koreanBytes(String text) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            n += text.charAt(i) < 0x80 ? 1 : 2;
        }
        return n;
    }

    /** UCS-2 characters (UTF-16 code units: a character outside the BMP counts two, as it takes four octets). */
    public static int ucs2Chars(String text) {
        return text.length();
    }

    /** Whether {@code text} fits one SMS by both measures. */
    public static boolean fitsSms(String text) {
        return koreanBytes(text) <= SMS_BYTES && ucs2Chars(text) <= SMS_UCS2_CHARS;
    }

    /** Whether {@code text} fits one LMS. */
    public static boolean fitsLms(String text) {
        return koreanBytes(text) <= LMS_BYTES;
    }
}
