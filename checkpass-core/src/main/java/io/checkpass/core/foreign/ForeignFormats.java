package io.checkpass.core.foreign;

import io.checkpass.core.crypto.Es256;
import io.checkpass.core.foreign.dcc.Hcert;
import io.checkpass.core.foreign.dcc.HcertVerifier;
import io.checkpass.core.foreign.nzcp.NzcpVerifier;
import io.checkpass.core.foreign.shc.ShcNumeric;
import io.checkpass.core.foreign.shc.ShcVerifier;
import io.checkpass.core.trust.TrustBundle;
import io.checkpass.core.verify.ForeignFormat;
import io.checkpass.core.verify.ForeignFormat.FormatOutcome;
import java.util.List;
import java.util.function.Function;

/** The foreign pass formats checkpass reads, for {@link io.checkpass.core.verify.PassVerifier}. */
public final class ForeignFormats {
    private ForeignFormats() {}

    /** EU DCC ({@code HC1:}), SMART Health Cards ({@code shc:/}) and NZ COVID Passes ({@code NZCP:/1/}). */
    public static List<ForeignFormat> all(Es256 es256) {
        return List.of(
                new TrustedFormat(
                        Hcert.PREFIX,
                        trust -> new HcertVerifier(trust.dccSigners(), trust.dccRevocations(), es256)::read),
                new TrustedFormat(ShcNumeric.PREFIX, trust -> new ShcVerifier(trust.shcIssuers(), es256)::readQr),
                new TrustedFormat(NzcpVerifier.PREFIX, trust -> new NzcpVerifier(trust.nzcpIssuers(), es256)::read));
    }

    /**
     * A format whose reader is built from the bundle's foreign trust material, once per bundle. The readers check
     * signatures and structure only; the verifier judges validity against its clock.
     */
    private record TrustedFormat(String prefix, Function<ForeignTrust, Function<String, FormatOutcome>> readerFor)
            implements ForeignFormat {
        @Override
        public Reader reader(TrustBundle bundle) {
            Function<String, FormatOutcome> read = readerFor.apply(ForeignTrust.fromBundle(bundle.foreign()));
            return (text, now) -> read.apply(text);
        }
    }
}
