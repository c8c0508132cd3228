package io.checkpass.server.keys;

import io.checkpass.core.crypto.KeyId;
import io.checkpass.core.trust.IssuerKey;
import io.checkpass.core.trust.NextBundleKey;
import io.checkpass.server.keys.SigningKeyRecord.KeyRole;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The key lifecycle's rules over one snapshot of the {@code signing_key} table (docs/adr/0014-key-rotation.md): which
 * issuer key signs a credential issued at {@code t}, which issuer keys a bundle made at {@code now} lists (and which
 * it lists as revoked), which bundle key signs at {@code now} and which one is announced next. Pure: no database, no
 * vault, no clock.
 *
 * @param keys                  every key ever recorded
 * @param maxCredentialLifetime the longest any credential lives: an issuer key stays in bundles this long after its
 *                              window ends, so everything it signed verifies until it expires, and no longer
 */
public record KeyRing(List<SigningKeyRecord> keys, Duration maxCredentialLifetime) {

    /** Sorted once, oldest first, so the rules below (issuance asks on every signature) only filter. */
    public KeyRing {
        keys = keys.stream()
                .sorted(Comparator.comparing(SigningKeyRecord::activeFrom).thenComparing(SigningKeyRecord::createdAt))
                .toList();
    }

    /** The keys of one role, oldest first. */
    public List<SigningKeyRecord> of(KeyRole role) {
        return keys.stream().filter(k -> k.role() == role).toList();
    }

    public Optional<SigningKeyRecord> byKid(KeyId kid) {
        return keys.stream().filter(k -> k.kid().equals(kid)).findFirst();
    }

    /**
     * The issuer key that signs a credential issued at {@code issuedAt}: the unrevoked one whose window covers it,
     * the newest if windows meet at the rotation instant. Empty when none does (every key revoked, or an instant
     * outside every window).
     */
    public Optional<SigningKeyRecord> issuerAt(Instant issuedAt) {
        return of(KeyRole.ISSUER).stream()
                .filter(k -> !k.revoked())
                .filter(k -> !issuedAt.isBefore(k.activeFrom()) && !issuedAt.isAfter(k.windowEnd()))
                .reduce((older, newer) -> newer);
    }

    /** The issuer key that signs new credentials now: the one with an open window (not rotated, not revoked). */
    public Optional<SigningKeyRecord> currentIssuer() {
        return of(KeyRole.ISSUER).stream()
                .filter(k -> !k.revoked() && k.activeUntil().isEmpty())
                .reduce((older, newer) -> newer);
    }

    /**
     * The issuer keys a bundle made at {@code now} lists, each with its window: every unrevoked key some credential
     * it signed may still be valid for (window end + the longest lifetime is after {@code now}), and one whose window
     * has not begun yet (scanners learn it before it signs).
     */
    public List<IssuerKey> bundleIssuerKeys(Instant now, String issuerName) {
        return of(KeyRole.ISSUER).stream()
                .filter(k -> !k.revoked())
                .filter(k -> k.windowEnd().plus(maxCredentialLifetime).isAfter(now))
                .map(k -> new IssuerKey(k.kid(), issuerName, k.publicKey(), k.activeFrom(), k.windowEnd()))
                .toList();
    }

    /**
     * The revoked issuer keys a bundle made at {@code now} names, so a scanner refuses their credentials with
     * ISSUER_KEY_REVOKED: while something they signed could otherwise still be valid. After that, a credential of
     * theirs is expired anyway, and an unknown key to a scanner.
     */
    public Set<KeyId> bundleRevokedKeys(Instant now) {
        return of(KeyRole.ISSUER).stream()
                .filter(SigningKeyRecord::revoked)
                .filter(k -> {
                    Instant lastSigned = k.revokedAt().get().isBefore(k.windowEnd())
                            ? k.revokedAt().get()
                            : k.windowEnd();
                    return lastSigned.plus(maxCredentialLifetime).isAfter(now);
                })
                .map(SigningKeyRecord::kid)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The bundle key that signs bundles at {@code now}: the newest unrevoked one whose turn has come. */
    public Optional<SigningKeyRecord> bundleKeyAt(Instant now) {
        return of(KeyRole.BUNDLE).stream()
                .filter(k -> !k.revoked() && !k.activeFrom().isAfter(now))
                .reduce((older, newer) -> newer);
    }

    /** The bundle key announced to take over after {@code now}, if a rollover is under way. */
    public Optional<SigningKeyRecord> nextBundleKeyAfter(Instant now) {
        return of(KeyRole.BUNDLE).stream()
                .filter(k -> !k.revoked() && k.activeFrom().isAfter(now))
                .findFirst();
    }

    /** The announcement a bundle made at {@code now} carries. */
    public Optional<NextBundleKey> announcement(Instant now) {
        return nextBundleKeyAfter(now).map(k -> new NextBundleKey(k.kid(), k.publicKey(), k.activeFrom()));
    }

    /**
     * The first instant after {@code t} at which a bundle made then would list other keys than one made at {@code t}:
     * a retired or revoked issuer key leaving it, or an announced bundle key taking over. A bundle published at
     * {@code t} is republished then.
     */
    public Optional<Instant> nextChangeAfter(Instant t) {
        return keys.stream()
                .<Instant>mapMulti((k, out) -> {
                    if (k.role() == KeyRole.BUNDLE) {
                        out.accept(k.activeFrom());
                    } else if (k.revoked()) {
                        Instant revokedAt = k.revokedAt().get();
                        out.accept((revokedAt.isBefore(k.windowEnd()) ? revokedAt : k.windowEnd())
                                .plus(maxCredentialLifetime));
                    } else {
                        out.accept(k.windowEnd().plus(maxCredentialLifetime));
                    }
                })
                .filter(at -> at.isAfter(t))
                .min(Comparator.naturalOrder());
    }

    /** What {@code keys list} says about a key at {@code now}. */
    public String state(SigningKeyRecord key, Instant now) {
        if (key.revoked()) {
            return "revoked";
        }
        if (key.role() == KeyRole.BUNDLE) {
            if (bundleKeyAt(now).filter(k -> k.kid().equals(key.kid())).isPresent()) {
                return "current";
            }
            return key.activeFrom().isAfter(now) ? "announced" : "retired";
        }
        if (key.activeFrom().isAfter(now)) {
            return "scheduled";
        }
        if (!key.windowEnd().isBefore(now)) {
            return "current";
        }
        return key.windowEnd().plus(maxCredentialLifetime).isAfter(now) ? "retired" : "expired";
    }

    /** The next free alias of a role: {@code issuer}, {@code issuer-2}, {@code issuer-3}, ... */
    public String nextAlias(KeyRole role, Set<String> taken) {
        for (int n = 1; ; n++) {
            String alias = n == 1 ? role.id() : role.id() + "-" + n;
            if (!taken.contains(alias) && keys.stream().noneMatch(k -> k.alias().equals(alias))) {
                return alias;
            }
        }
    }
}
