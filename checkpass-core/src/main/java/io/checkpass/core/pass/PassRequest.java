package io.checkpass.core.pass;

import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What to put in a new credential; the issuer adds the serial, times and its own name.
 *
 * @param deviceKey the holder device's key, or empty for a static pass
 */
public record PassRequest(
        PassStatus status,
        Instant validFrom,
        Optional<Instant> validUntil,
        DisplayHint display,
        Optional<ECPublicKey> deviceKey) {

    public PassRequest {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(validFrom, "validFrom");
        Objects.requireNonNull(validUntil, "validUntil");
        Objects.requireNonNull(display, "display");
        Objects.requireNonNull(deviceKey, "deviceKey");
    }
}
