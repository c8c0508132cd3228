package io.checkpass.server.keys;

import io.checkpass.core.pass.PassIssuer;
import java.time.Instant;

/** Which issuer key signs a credential, as the key lifecycle says (docs/adr/0014-key-rotation.md). */
public interface IssuerKeys {

    /**
     * The issuer that signs a credential issued at {@code issuedAt}.
     *
     * @throws IllegalStateException if no key may sign at that instant, or this node's vault lacks it
     */
    PassIssuer issuerAt(Instant issuedAt);

    /**
     * Whether a credential already signed (and issued at {@code issuedAt}) still verifies at a scanner holding the
     * newest bundle: its key is not revoked and its window covers {@code issuedAt}. Only such a credential is
     * served again as it is.
     */
    boolean stillTrusted(byte[] credential, Instant issuedAt);
}
