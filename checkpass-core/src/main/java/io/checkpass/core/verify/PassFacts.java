package io.checkpass.core.verify;

import io.checkpass.core.pass.DisplayHint;
import io.checkpass.core.pass.PassStatus;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a format reader established about a pass whose issuer signature verified: the common shape every format
 * maps to, so validity and venue rules apply the same way to all of them.
 *
 * @param format          which format
 * @param issuer          issuer name or country
 * @param id              the pass's own identifier (native serial in hex, DCC certificate id, ...)
 * @param issuedAt        when it was issued, if the format says
 * @param expiresAt       when the credential itself expires, if it does
 * @param status          the holder's status as the pass states it
 * @param statusValidFrom when the status starts to hold
 * @param statusValidUntil when it stops, if it does
 * @param display         masked name and birth year, if the format carries them
 * @param deviceBound     whether the pass is bound to the holder's device (only native passes can be)
 * @param warnings        schema deviations a foreign reader read past (field and message); empty for native passes
 * @param statusProven    false when the pass is genuine but cannot prove a status a venue could need (a test without
 *                        a known result, a vaccination without a product or dose): its status is then UNVACCINATED,
 *                        and a refusal says {@link Reason#STATUS_NOT_PROVEN} instead of NOT_ACCEPTED_HERE
 */
public record PassFacts(
        PassFormatKind format,
        String issuer,
        String id,
        Optional<Instant> issuedAt,
        Optional<Instant> expiresAt,
        PassStatus status,
        Instant statusValidFrom,
        Optional<Instant> statusValidUntil,
        Optional<DisplayHint> display,
        boolean deviceBound,
        List<PassWarning> warnings,
        boolean statusProven) {

    /** Facts without warnings whose status is proven, as every native pass has. */
    public PassFacts(
            PassFormatKind format,
            String issuer,
            String id,
            Optional<Instant> issuedAt,
            Optional<Instant> expiresAt,
            PassStatus status,
            Instant statusValidFrom,
            Optional<Instant> statusValidUntil,
            Optional<DisplayHint> display,
            boolean deviceBound) {
        this(
                format,
                issuer,
                id,
                issuedAt,
                expiresAt,
                status,
                statusValidFrom,
                statusValidUntil,
                display,
                deviceBound,
                List.of(),
                true);
    }

    public PassFacts {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(statusValidFrom, "statusValidFrom");
        Objects.requireNonNull(statusValidUntil, "statusValidUntil");
        Objects.requireNonNull(display, "display");
        warnings = List.copyOf(warnings);
    }

    /** Whether the stated status holds at {@code instant}. */
    public boolean statusHoldsAt(Instant instant) {
        return !instant.isBefore(statusValidFrom)
                && statusValidUntil.map(instant::isBefore).orElse(true);
    }
}
