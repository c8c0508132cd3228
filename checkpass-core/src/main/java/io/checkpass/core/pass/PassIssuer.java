package io.checkpass.core.pass;

import io.checkpass.core.codec.CoseSign1;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.crypto.SigningKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Signs native credentials with one issuer key. Thread-safe. */
public final class PassIssuer {
    private final SigningKey key;
    private final Es256 es256;
    private final SecureRandom random;
    private final byte[] protectedHeader;

    public PassIssuer(SigningKey key, Es256 es256, SecureRandom random) {
        this.key = Objects.requireNonNull(key, "key");
        this.es256 = Objects.requireNonNull(es256, "es256");
        this.random = Objects.requireNonNull(random, "random");
        this.protectedHeader =
                CoseSign1.protectedHeader(CoseSign1.ALG_ES256, key.id().bytes());
    }

    public SigningKey key() {
        return key;
    }

    /**
     * Issues a credential valid from {@code issuedAt} for {@code lifetime}, with a fresh random serial.
     *
     * @throws IllegalArgumentException if the request is inconsistent (e.g. valid-until before valid-from), or
     *     the issuer key is not valid at {@code issuedAt}
     */
    public IssuedCredential issue(PassRequest request, Instant issuedAt, Duration lifetime) {
        if (issuedAt.isBefore(key.notBefore()) || issuedAt.isAfter(key.notAfter())) {
            throw new IllegalArgumentException("issuer key " + key.id() + " is valid " + key.notBefore() + " .. "
                    + key.notAfter() + ", not at " + issuedAt);
        }
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("credential lifetime must be positive, got " + lifetime);
        }
        PassClaims claims = new PassClaims(
                issuedAt,
                issuedAt.plus(lifetime),
                Serial.random(random),
                request.status(),
                request.validFrom(),
                request.validUntil(),
                request.display(),
                request.deviceKey());
        return sign(claims);
    }

    /** Signs exactly these claims (tests and conformance vectors need chosen serials and times). */
    public IssuedCredential sign(PassClaims claims) {
        byte[] payload = Credentials.encodeClaims(claims);
        byte[] signature = es256.sign(key, CoseSign1.toBeSigned(protectedHeader, PassFormat.CREDENTIAL_AAD, payload));
        return new IssuedCredential(claims, CoseSign1.encode(protectedHeader, List.of(), payload, signature));
    }
}
