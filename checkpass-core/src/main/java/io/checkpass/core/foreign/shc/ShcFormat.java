package io.checkpass.core.foreign.shc;

import io.checkpass.core.crypto.Es256;
import io.checkpass.core.foreign.ForeignTrust;
import io.checkpass.core.trust.TrustBundle;
import io.checkpass.core.verify.ForeignFormat;
import io.checkpass.core.verify.Reason;
import java.util.Arrays;

/**
 * SMART Health Cards in numeric QR mode ({@code shc:/}), trusted through the bundle's {@code "shc"} section of
 * issuers. A chunked card is read from all its chunks in one text, separated by line breaks or spaces, as the
 * scanner collects them.
 */
public final class ShcFormat implements ForeignFormat {
    /** The section of {@link TrustBundle#foreign()} that lists SHC issuers. */
    public static final String SECTION = "shc";

    private final Es256 es256;

    public ShcFormat(Es256 es256) {
        this.es256 = es256;
    }

    @Override
    public String prefix() {
        return ShcNumeric.PREFIX;
    }

    @Override
    public Reader reader(TrustBundle bundle) {
        ShcVerifier verifier = new ShcVerifier(ForeignTrust.fromBundle(bundle.foreign()).shcIssuers(), es256);
        return (text, now) -> read(verifier, text);
    }

    /** Reads one scanned text (one QR, or all chunks of one card); never throws. */
    public static FormatOutcome read(ShcVerifier verifier, String text) {
        String jws;
        try {
            if (text.length() > MAX_TEXT_CHARS) {
                return new FormatOutcome.Failed(Reason.MALFORMED);
            }
            jws = ShcNumeric.decode(Arrays.asList(text.split("[\\r\\n ]+", -1)));
        } catch (RuntimeException e) {
            return new FormatOutcome.Failed(Reason.MALFORMED);
        }
        return verifier.verify(jws);
    }
}
