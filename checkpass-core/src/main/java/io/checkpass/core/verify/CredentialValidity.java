package io.checkpass.core.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The credential's own validity window, checked the same way for every format: issued-at may lie at most the
 * clock skew in the future, and the credential is expired from its expiry instant on.
 */
public final class CredentialValidity {
    private CredentialValidity() {}

    /** The reason the credential is not valid at {@code now}, or empty when it is. */
    public static Optional<Reason> check(
            Optional<Instant> issuedAt, Optional<Instant> expiresAt, Instant now, Duration clockSkew) {
        if (issuedAt.isPresent() && issuedAt.get().isAfter(now.plus(clockSkew))) {
            return Optional.of(Reason.NOT_YET_VALID);
        }
        if (expiresAt.isPresent() && !now.isBefore(expiresAt.get())) {
            return Optional.of(Reason.CREDENTIAL_EXPIRED);
        }
        return Optional.empty();
    }
}
