package io.checkpass.core.trust;

import io.checkpass.core.crypto.KeyId;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Objects;

/**
 * The bundle key that will sign bundles from {@code from} on, announced in bundles signed by the current one. A
 * scanner that opened such a bundle under its pinned anchor may accept bundles signed by this key and pin it
 * instead ({@link ScannerTrust}): the bundle key rolls over without a reinstall (docs/adr/0014-key-rotation.md).
 */
public record NextBundleKey(KeyId id, ECPublicKey publicKey, Instant from) {
    public NextBundleKey {
        Objects.requireNonNull(from, "from");
        if (!KeyId.of(publicKey).equals(id)) {
            throw new IllegalArgumentException("next bundle key id " + id + " does not match its public key");
        }
    }
}
