package io.checkpass.core.foreign;

import io.checkpass.core.crypto.Es256;
import io.checkpass.core.foreign.dcc.HcertFormat;
import io.checkpass.core.foreign.nzcp.NzcpFormat;
import io.checkpass.core.foreign.shc.ShcFormat;
import io.checkpass.core.verify.ForeignFormat;
import java.util.List;

/** The foreign pass formats checkpass reads, for {@link io.checkpass.core.verify.PassVerifier}. */
public final class ForeignFormats {
    private ForeignFormats() {}

    /** EU DCC ({@code HC1:}), SMART Health Cards ({@code shc:/}) and NZ COVID Passes ({@code NZCP:/1/}). */
    public static List<ForeignFormat> all(Es256 es256) {
        return List.of(new HcertFormat(es256), new ShcFormat(es256), new NzcpFormat(es256));
    }
}
