package io.checkpass.core.foreign.nzcp;

import io.checkpass.core.crypto.Es256;
import io.checkpass.core.foreign.ForeignTrust;
import io.checkpass.core.trust.TrustBundle;
import io.checkpass.core.verify.ForeignFormat;

/** NZ COVID Passes ({@code NZCP:/1/}), trusted through the bundle's {@code "nzcp"} section of issuer DID documents. */
public final class NzcpFormat implements ForeignFormat {
    /** The section of {@link TrustBundle#foreign()} that lists NZCP issuers. */
    public static final String SECTION = "nzcp";

    private final Es256 es256;

    public NzcpFormat(Es256 es256) {
        this.es256 = es256;
    }

    @Override
    public String prefix() {
        return NzcpVerifier.PREFIX;
    }

    @Override
    public Reader reader(TrustBundle bundle) {
        NzcpVerifier verifier = new NzcpVerifier(ForeignTrust.fromBundle(bundle.foreign()).nzcpIssuers(), es256);
        return (text, now) -> verifier.verify(text);
    }
}
