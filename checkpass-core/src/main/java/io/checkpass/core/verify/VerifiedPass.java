package io.checkpass.core.verify;

import io.checkpass.core.pass.DisplayHint;
import io.checkpass.core.pass.PassStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A pass whose issuer signature, validity, revocation status and (for device-bound passes) device proof the
 * verifier has checked. Only {@link PassVerifier} can make one, so holding a {@code VerifiedPass} proves those
 * checks ran — a pass that failed them never gets this far (it may still be DENYed by venue rules).
 */
public final class VerifiedPass {
    private final PassFacts facts;
    private final Optional<Instant> presentedAt;

    VerifiedPass(PassFacts facts, Optional<Instant> presentedAt) {
        this.facts = facts;
        this.presentedAt = presentedAt;
    }

    public PassFormatKind format() {
        return facts.format();
    }

    public String issuer() {
        return facts.issuer();
    }

    /** The pass's own id: for native passes the serial in hex, which the check-in log records. */
    public String id() {
        return facts.id();
    }

    public PassStatus status() {
        return facts.status();
    }

    public Instant statusValidFrom() {
        return facts.statusValidFrom();
    }

    public Optional<Instant> statusValidUntil() {
        return facts.statusValidUntil();
    }

    /** Whether the stated status holds at {@code instant} (valid-from ≤ instant < valid-until). */
    public boolean statusHoldsAt(Instant instant) {
        return facts.statusHoldsAt(instant);
    }

    public Optional<Instant> expiresAt() {
        return facts.expiresAt();
    }

    public Optional<DisplayHint> display() {
        return facts.display();
    }

    public boolean deviceBound() {
        return facts.deviceBound();
    }

    /** Schema deviations a foreign reader read past, each with its field; empty for native passes. */
    public List<PassWarning> warnings() {
        return facts.warnings();
    }

    /** False when a foreign pass is genuine but proves no status a venue could need (see {@link PassFacts}). */
    public boolean statusProven() {
        return facts.statusProven();
    }

    /** When the holder's device made the presentation; empty for static and foreign passes. */
    public Optional<Instant> presentedAt() {
        return presentedAt;
    }

    @Override
    public String toString() {
        return "VerifiedPass[" + facts.format() + " " + facts.id() + " " + facts.status() + "]";
    }
}
