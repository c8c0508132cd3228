package io.checkpass.core.verify;

import java.time.Duration;

/**
 * Tunables of the verifier, with the defaults of docs/pass-format.md §5.
 *
 * @param presentationWindow how long after its timestamp a presentation is fresh (wallets re-sign every 15 s)
 * @param clockSkew          how far the holder's and the scanner's clocks may disagree, either way
 * @param replayCacheSize    presentations remembered for replay detection; older ones are stale anyway
 * @param signatureCacheSize credentials whose issuer signature is remembered, keyed by their hash
 */
public record VerifierPolicy(
        Duration presentationWindow, Duration clockSkew, int replayCacheSize, int signatureCacheSize) {

    /** 30 s window + 30 s skew: a screenshot is refused within a minute. */
    public static final VerifierPolicy DEFAULT =
            new VerifierPolicy(Duration.ofSeconds(30), Duration.ofSeconds(30), 100_000, 50_000);

    public VerifierPolicy {
        if (presentationWindow.isNegative() || presentationWindow.isZero()) {
            throw new IllegalArgumentException("presentationWindow must be positive");
        }
        if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("clockSkew must be between 0 and 5 minutes, got " + clockSkew);
        }
        if (replayCacheSize < 1 || signatureCacheSize < 0) {
            throw new IllegalArgumentException("cache sizes must be positive");
        }
    }

    /** The oldest a presentation may be: window plus skew. */
    public Duration maxPresentationAge() {
        return presentationWindow.plus(clockSkew);
    }
}
