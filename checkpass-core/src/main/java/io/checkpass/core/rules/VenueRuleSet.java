package io.checkpass.core.rules;

import io.checkpass.core.pass.PassStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The venue rules one decree put in force, complete in itself: a later set replaces an earlier one rather than
 * patching it, so the rules at any instant can be read from one set.
 *
 * @param id            e.g. {@code KR-2021-12-18}
 * @param effectiveFrom the instant the set takes force
 * @param until         for a temporary set (an emergency decree), when it lapses and the set before applies again
 * @param title         a one-line summary
 * @param source        the decree or announcement it transcribes
 * @param passRequired  venue types where a pass is required; absent types need none
 * @param admit         statuses admitted wherever a pass is required
 * @param conditional   per venue type, statuses admitted under a condition
 * @param guidance      guidance periods and suspensions: refusals they cover are admitted with a notice
 */
public record VenueRuleSet(
        String id,
        Instant effectiveFrom,
        Optional<Instant> until,
        LocalizedText title,
        String source,
        Set<VenueType> passRequired,
        Set<PassStatus> admit,
        Map<VenueType, Map<PassStatus, Condition>> conditional,
        List<Guidance> guidance)
        implements RuleSet {

    public VenueRuleSet {
        passRequired = Set.copyOf(passRequired);
        admit = Set.copyOf(admit);
        conditional = Map.copyOf(conditional);
        guidance = List.copyOf(guidance);
    }

    /** What this set says about {@code status} at {@code venueType}, guidance aside. */
    public VenueDecision decide(VenueType venueType, PassStatus status) {
        if (!passRequired.contains(venueType)) {
            return new VenueDecision.NotRequired();
        }
        if (admit.contains(status)) {
            return new VenueDecision.Admit();
        }
        Condition condition = conditional.getOrDefault(venueType, Map.of()).get(status);
        return condition != null ? new VenueDecision.AdmitWithCondition(condition) : new VenueDecision.NotAccepted();
    }

    /**
     * What this set says at {@code at}, a guidance period included: a refusal that one covers becomes {@link
     * VenueDecision.AdmitDuringGuidance}. {@code lapsed} is true when the holder's status ended (rather than never
     * held).
     */
    public VenueDecision decide(VenueType venueType, PassStatus status, boolean lapsed, Instant at) {
        VenueDecision decision = decide(venueType, status);
        if (!(decision instanceof VenueDecision.NotAccepted)) {
            return decision;
        }
        for (Guidance g : guidance) {
            if (g.covers(venueType, lapsed, at)) {
                return new VenueDecision.AdmitDuringGuidance(g.notice(), g.until());
            }
        }
        return decision;
    }
}
