package io.checkpass.core.pass;

import java.nio.charset.StandardCharsets;

/**
 * Constants of the native pass format, version 1. docs/pass-format.md is the normative description; every value
 * here appears there.
 */
public final class PassFormat {
    private PassFormat() {}

    /** QR text prefix of a native presentation. */
    public static final String PREFIX = "CP1:";

    /** Longest QR text accepted, checked before any decoding. A device-bound presentation is about 390. */
    public static final int MAX_TEXT_CHARS = 1024;
    /** Longest decoded presentation. */
    public static final int MAX_PRESENTATION_BYTES = 680;
    /** Longest credential (COSE_Sign1) inside a presentation. */
    public static final int MAX_CREDENTIAL_BYTES = 600;
    /** Longest COSE protected header. */
    public static final int MAX_PROTECTED_HEADER_BYTES = 64;

    /** COSE external_aad of the issuer signature: separates credentials from every other COSE the keys could sign. */
    public static final byte[] CREDENTIAL_AAD = ascii("checkpass.CP1.credential");
    /** Prefix of the device signature's input. */
    public static final byte[] PRESENTATION_TAG = ascii("checkpass.CP1.presentation\0");

    // CWT claim keys (RFC 8392, RFC 8747).
    public static final int CLAIM_EXP = 4;
    public static final int CLAIM_IAT = 6;
    public static final int CLAIM_CTI = 7;
    public static final int CLAIM_CNF = 8;
    /** Private-use claim (RFC 8392 §9.1: below -65536) holding the checkpass pass map. */
    public static final int CLAIM_PASS = -65537;

    // Keys inside the pass map.
    public static final int PASS_STATUS = 1;
    public static final int PASS_VALID_FROM = 2;
    public static final int PASS_VALID_UNTIL = 3;
    public static final int PASS_NAME = 4;
    public static final int PASS_BIRTH_YEAR = 5;

    // cnf / COSE_Key (RFC 8747 §3.2, RFC 9053 §7.1.1).
    public static final int CNF_COSE_KEY = 1;
    public static final int KEY_KTY = 1;
    public static final int KEY_CRV = -1;
    public static final int KEY_X = -2;
    public static final int KEY_Y = -3;
    public static final int KTY_EC2 = 2;
    public static final int CRV_P256 = 1;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
