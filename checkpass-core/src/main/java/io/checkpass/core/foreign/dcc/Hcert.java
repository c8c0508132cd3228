package io.checkpass.core.foreign.dcc;

import io.checkpass.core.codec.Base45;
import io.checkpass.core.codec.BoundedInflater;

/**
 * The transport layers of an EU DCC QR code (HCERT spec §3): {@code "HC1:"} + Base45( zlib( COSE_Sign1 ) ). Each
 * layer is a separate method so the conformance runner can test them one by one; the reader chains them.
 */
public final class Hcert {
    /** The context identifier of version 1 HCERTs. */
    public static final String PREFIX = "HC1:";
    /** Far beyond any real DCC (about 600 characters; 1,100 with an RSA-3072 signature). */
    public static final int MAX_TEXT_CHARS = 4096;

    private Hcert() {}

    /**
     * Removes the {@code HC1:} prefix.
     *
     * @throws IllegalArgumentException if the text does not start with it
     */
    public static String unprefix(String text) {
        if (!text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("HCERT text does not start with " + PREFIX);
        }
        return text.substring(PREFIX.length());
    }

    /**
     * Decodes the Base45 layer.
     *
     * @throws IllegalArgumentException if it is not Base45 or is too long
     */
    public static byte[] base45(String body) {
        if (body.length() > MAX_TEXT_CHARS) {
            throw new IllegalArgumentException("HCERT text of " + body.length() + " characters is too long");
        }
        return Base45.decode(body);
    }

    /**
     * Inflates the zlib layer, refusing output larger than {@link HcertVerifier#MAX_COSE_BYTES}.
     *
     * @throws IllegalArgumentException if it is not complete zlib data, or inflates too far
     */
    public static byte[] inflate(byte[] compressed) {
        return BoundedInflater.zlib(compressed, HcertVerifier.MAX_COSE_BYTES);
    }

    /**
     * All three layers: the COSE_Sign1 bytes of a scanned HCERT text.
     *
     * @throws IllegalArgumentException if any layer fails
     */
    public static byte[] cose(String text) {
        return inflate(base45(unprefix(text)));
    }
}
