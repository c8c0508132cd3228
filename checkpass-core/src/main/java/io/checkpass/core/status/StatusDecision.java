package io.checkpass.core.status;

import io.checkpass.core.pass.PassStatus;
import io.checkpass.core.rules.LocalizedText;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A person's pass status at one instant, as the medical rules in force then decide it: what the issuer puts in a
 * credential ({@code status}, {@code validFrom}, {@code validUntil}) and why.
 *
 * @param status      the status; {@link PassStatus#UNVACCINATED} when nothing else holds
 * @param validFrom   when the status started to hold; for UNVACCINATED, the instant asked about
 * @param validUntil  when it stops (exclusive); empty = open-ended under the rules in force
 * @param ruleSetId   the medical rule set applied, e.g. {@code KR-MED-2022-01-03}
 * @param explanation a short reason, e.g. "2차 접종 후 14일 경과 (유효기간 2022-06-30까지)"
 * @param nextChange  the earliest later instant at which the answer may differ: the status ends, another one
 *                    starts, or the next known rule set takes force. Nothing known changes the answer before it, so
 *                    a credential issued now should not outlive it; empty if no change is known
 */
public record StatusDecision(
        PassStatus status,
        Instant validFrom,
        Optional<Instant> validUntil,
        String ruleSetId,
        LocalizedText explanation,
        Optional<Instant> nextChange) {

    public StatusDecision {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(validFrom, "validFrom");
        Objects.requireNonNull(validUntil, "validUntil");
        Objects.requireNonNull(ruleSetId, "ruleSetId");
        Objects.requireNonNull(explanation, "explanation");
        Objects.requireNonNull(nextChange, "nextChange");
    }

    /**
     * The status that holds at {@code at}: {@link #status()}, or UNVACCINATED for a status whose window has ended (a
     * lapsed vaccination stated during a validity guidance week) or not begun.
     */
    public PassStatus statusAt(Instant at) {
        boolean holds = !at.isBefore(validFrom) && validUntil.map(at::isBefore).orElse(true);
        return holds ? status : PassStatus.UNVACCINATED;
    }
}
