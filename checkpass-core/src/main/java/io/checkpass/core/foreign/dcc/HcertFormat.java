package io.checkpass.core.foreign.dcc;

import io.checkpass.core.crypto.Es256;
import io.checkpass.core.foreign.ForeignTrust;
import io.checkpass.core.trust.TrustBundle;
import io.checkpass.core.verify.ForeignFormat;
import io.checkpass.core.verify.Reason;

/** EU Digital COVID Certificates ({@code HC1:}), trusted through the bundle's {@code "dcc"} section of signer certificates. */
public final class HcertFormat implements ForeignFormat {
    /** The section of {@link TrustBundle#foreign()} that lists DCC signer certificates. */
    public static final String SECTION = "dcc";

    private final Es256 es256;

    public HcertFormat(Es256 es256) {
        this.es256 = es256;
    }

    @Override
    public String prefix() {
        return Hcert.PREFIX;
    }

    @Override
    public Reader reader(TrustBundle bundle) {
        HcertVerifier verifier = new HcertVerifier(ForeignTrust.fromBundle(bundle.foreign()).dccSigners(), es256);
        return (text, now) -> read(verifier, text);
    }

    /** Reads one HCERT text with a verifier; never throws. */
    public static FormatOutcome read(HcertVerifier verifier, String text) {
        try {
            return verifier.check(Hcert.cose(text)).outcome();
        } catch (RuntimeException e) {
            // A malformed layer (IllegalArgumentException) or anything unforeseen: fail closed.
            return new FormatOutcome.Failed(Reason.MALFORMED);
        }
    }
}
