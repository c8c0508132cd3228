package io.checkpass.server.keys;

import io.checkpass.core.crypto.KeyId;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One key's lifecycle as every centre node reads it from the {@code signing_key} table: which vault alias holds
 * it, what it signs, and when (docs/adr/0014-key-rotation.md). The private half never leaves the vault.
 *
 * @param activeFrom  an issuer key: the first issued-at it signs (its window's start in the bundle); a bundle key: the
 *                    first instant it signs bundles
 * @param activeUntil an issuer key: the last issued-at it signs (the rotation instant), empty while it is current;
 *                    unused for bundle keys (the next one's {@code activeFrom} ends them)
 * @param revokedAt   when it was revoked after a compromise: everything it signed is refused from then on
 */
public record SigningKeyRecord(
        KeyId kid,
        String alias,
        KeyRole role,
        X509Certificate certificate,
        Instant createdAt,
        Instant activeFrom,
        Optional<Instant> activeUntil,
        Optional<Instant> revokedAt,
        Optional<String> revokedBy) {

    /** What a key signs. */
    public enum KeyRole {
        /** Signs credentials. */
        ISSUER("issuer"),
        /** Signs trust bundles; scanners pin it. */
        BUNDLE("bundle");

        private final String id;

        KeyRole(String id) {
            this.id = id;
        }

        /** The name in the database, in aliases and on the command line. */
        public String id() {
            return id;
        }

        public static KeyRole of(String id) {
            for (KeyRole role : values()) {
                if (role.id.equals(id)) {
                    return role;
                }
            }
            throw new IllegalArgumentException("no key role '" + id + "' (issuer or bundle)");
        }
    }

    public SigningKeyRecord {
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(certificate, "certificate");
        activeUntil = activeUntil == null ? Optional.empty() : activeUntil;
        revokedAt = revokedAt == null ? Optional.empty() : revokedAt;
        revokedBy = revokedBy == null ? Optional.empty() : revokedBy;
    }

    public ECPublicKey publicKey() {
        return (ECPublicKey) certificate.getPublicKey();
    }

    /**
     * The last issued-at this issuer key covers: the rotation instant once rotated, else the end of its certificate.
     */
    public Instant windowEnd() {
        Instant certificateEnd = certificate.getNotAfter().toInstant();
        return activeUntil.filter(until -> until.isBefore(certificateEnd)).orElse(certificateEnd);
    }

    public boolean revoked() {
        return revokedAt.isPresent();
    }
}
