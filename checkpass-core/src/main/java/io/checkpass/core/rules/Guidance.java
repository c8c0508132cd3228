package io.checkpass.core.rules;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A guidance period (계도기간) or a suspension of enforcement: until {@link #until()}, a holder the rules would refuse
 * is admitted with a notice that says what the rule requires, so that staff learn the rule without turning people
 * away and no fine applies (docs/rules.md §Guidance).
 *
 * @param venueTypes the venue types it covers; empty = every type that requires a pass
 * @param lapsedOnly true if it covers only holders whose status lapsed (the 180-day validity week of Jan 2022), not
 *                   people who never had one
 * @param until      the instant enforcement starts (exclusive end of the guidance)
 * @param notice     what staff and the holder are told
 */
public record Guidance(Set<VenueType> venueTypes, boolean lapsedOnly, Instant until, LocalizedText notice) {
    public Guidance {
        venueTypes = Set.copyOf(venueTypes);
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(notice, "notice");
    }

    /** True if this guidance covers a refusal at {@code venueType} at {@code at}. */
    public boolean covers(VenueType venueType, boolean lapsed, Instant at) {
        return at.isBefore(until)
                && (venueTypes.isEmpty() || venueTypes.contains(venueType))
                && (lapsed || !lapsedOnly);
    }
}
