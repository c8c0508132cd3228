package io.checkpass.core.trust;

import io.checkpass.core.crypto.Es256;
import java.security.interfaces.ECPublicKey;
import java.util.Objects;
import java.util.Optional;

/**
 * What a scanner trusts about bundles: the bundle key it pinned, the newest bundle version it accepted, and the
 * next bundle key announced by a bundle it accepted. It accepts a bundle signed by the pinned key, or by the
 * announced next key (and then pins that one: the bundle key rolls over without a reinstall), and never a bundle
 * older than the one it holds (no rollback to a bundle that still lists a revoked key or serial). Thread-safe.
 */
public final class ScannerTrust {
    /** What a scanner holds: the pinned bundle key, the newest accepted version and the announced next key. */
    public record State(ECPublicKey anchor, long version, Optional<NextBundleKey> next) {
        public State {
            Objects.requireNonNull(anchor, "anchor");
            next = next == null ? Optional.empty() : next;
        }
    }

    private final Es256 es256;
    private State state;

    /** A scanner that pinned {@code anchor} and holds no bundle yet. */
    public ScannerTrust(ECPublicKey anchor, Es256 es256) {
        this(new State(anchor, -1, Optional.empty()), es256);
    }

    /** A scanner restarted with what it held. */
    public ScannerTrust(State state, Es256 es256) {
        this.state = Objects.requireNonNull(state, "state");
        this.es256 = Objects.requireNonNull(es256, "es256");
    }

    public synchronized State state() {
        return state;
    }

    /**
     * Opens a bundle and, if this scanner may use it, takes it as the newest held.
     *
     * @throws TrustBundleException if it is malformed, not signed by the pinned or the announced next key, or older
     *     than the bundle held
     */
    public synchronized TrustBundles.Opened accept(byte[] signed) throws TrustBundleException {
        TrustBundles.Opened opened;
        ECPublicKey signer = state.anchor();
        try {
            opened = TrustBundles.open(signed, Optional.of(signer), es256);
        } catch (TrustBundleException notPinned) {
            if (state.next().isEmpty()) {
                throw notPinned;
            }
            signer = state.next().get().publicKey();
            try {
                opened = TrustBundles.open(signed, Optional.of(signer), es256);
            } catch (TrustBundleException notNext) {
                throw notPinned;
            }
        }
        long version = opened.bundle().version();
        if (version < state.version()) {
            throw new TrustBundleException(
                    "bundle version " + version + " is older than the held version " + state.version() + ": refused");
        }
        state = new State(signer, version, opened.bundle().nextBundleKey());
        return opened;
    }
}
