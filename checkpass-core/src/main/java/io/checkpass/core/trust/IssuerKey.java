package io.checkpass.core.trust;

import io.checkpass.core.crypto.KeyId;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;

/**
 * A pass issuer's public key as the bundle lists it, with the issuer's name (e.g. "KR"). Credentials whose issued-at lies in
 * {@code [notBefore, notAfter]} verify against it; rotation overlaps by listing old and new keys together.
 */
public record IssuerKey(KeyId id, String issuer, ECPublicKey publicKey, Instant notBefore, Instant notAfter) {
    public IssuerKey {
        if (issuer == null || issuer.isBlank() || issuer.length() > 32) {
            throw new IllegalArgumentException("issuer key " + id + " needs an issuer name of 1..32 characters");
        }
        if (!KeyId.of(publicKey).equals(id)) {
            throw new IllegalArgumentException("issuer key id " + id + " does not match its public key");
        }
        if (notAfter.isBefore(notBefore)) {
            throw new IllegalArgumentException("issuer key " + id + " has notAfter before notBefore");
        }
    }

    /** Whether a credential issued at {@code issuedAt} may be signed by this key. */
    public boolean covers(Instant issuedAt) {
        return !issuedAt.isBefore(notBefore) && !issuedAt.isAfter(notAfter);
    }
}
