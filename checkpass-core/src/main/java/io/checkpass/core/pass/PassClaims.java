package io.checkpass.core.pass;

import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The claims of a native credential (docs/pass-format.md §3). There is no {@code iss} claim: the key id names
 * the issuer key, and the trust bundle names its issuer, which saves the QR four bytes.
 *
 * @param issuedAt         CWT iat, whole seconds
 * @param expiresAt        CWT exp: the credential's own expiry, hours to days after issuance
 * @param serial           CWT cti: 128 random bits, new for each issuance
 * @param status           the holder's status
 * @param statusValidFrom  when the status starts to hold
 * @param statusValidUntil when it stops; empty for open-ended (a booster after 3 Jan 2022)
 * @param display          masked name and birth year
 * @param deviceKey        CWT cnf: the holder device's P-256 key; empty for a static (paper) pass
 */
public record PassClaims(
        Instant issuedAt,
        Instant expiresAt,
        Serial serial,
        PassStatus status,
        Instant statusValidFrom,
        Optional<Instant> statusValidUntil,
        DisplayHint display,
        Optional<ECPublicKey> deviceKey) {

    public PassClaims {
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(serial, "serial");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(statusValidFrom, "statusValidFrom");
        Objects.requireNonNull(statusValidUntil, "statusValidUntil");
        Objects.requireNonNull(display, "display");
        Objects.requireNonNull(deviceKey, "deviceKey");
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException(
                    "credential expiry " + expiresAt + " is not after issued-at " + issuedAt);
        }
        if (statusValidUntil.isPresent() && !statusValidUntil.get().isAfter(statusValidFrom)) {
            throw new IllegalArgumentException(
                    "status valid-until " + statusValidUntil.get() + " is not after valid-from " + statusValidFrom);
        }
        issuedAt = truncate(issuedAt);
        expiresAt = truncate(expiresAt);
        statusValidFrom = truncate(statusValidFrom);
        statusValidUntil = statusValidUntil.map(PassClaims::truncate);
    }

    /** True for a pass bound to a holder device, which must be presented with a fresh device signature. */
    public boolean deviceBound() {
        return deviceKey.isPresent();
    }

    private static Instant truncate(Instant t) {
        return Instant.ofEpochSecond(t.getEpochSecond());
    }
}
