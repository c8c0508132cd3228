package io.checkpass.server.inspection;

import io.checkpass.server.compliance.VenueCompliance;
import java.time.Instant;
import java.util.Optional;

/**
 * What the door log says about a venue, as inspections need it: the door summary for the hours before an inspection,
 * and whether the centre itself was degraded at the time (then a fine is suggested for voiding, as on 13 Dec 2021).
 *
 * <p>The door log and the centre's degraded intervals are the compliance side's (issue 16 part 1); the composition
 * root bridges this interface to it. Until then it is {@link #NONE}, which says plainly that there is no door log.
 */
public interface DoorEvidence {

    /** The door summary for one venue over [from, to); empty if the venue does not exist (or there is no door log). */
    Optional<VenueCompliance> summary(String venueId, Instant from, Instant to);

    /** True if the centre recorded itself degraded at any time in [from, to). */
    boolean centreDegradedDuring(Instant from, Instant to);

    /** Whether a door log backs this evidence; false for {@link #NONE}, so pages say "no door log" instead of "nothing". */
    default boolean available() {
        return true;
    }

    /** No door log on this centre: no summaries, and no record of the centre being degraded. */
    DoorEvidence NONE = new DoorEvidence() {
        @Override
        public Optional<VenueCompliance> summary(String venueId, Instant from, Instant to) {
            return Optional.empty();
        }

        @Override
        public boolean centreDegradedDuring(Instant from, Instant to) {
            return false;
        }

        @Override
        public boolean available() {
            return false;
        }

        @Override
        public String toString() {
            return "no door log";
        }
    };
}
