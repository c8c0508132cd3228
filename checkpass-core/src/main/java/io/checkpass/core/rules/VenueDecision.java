package io.checkpass.core.rules;

import java.time.Instant;

/** What the venue rules in force say about one status at one venue type. */
public sealed interface VenueDecision {

    /** No pass is required at this venue type now. */
    record NotRequired() implements VenueDecision {}

    /** The status is admitted. */
    record Admit() implements VenueDecision {}

    /** The status is admitted under a condition that staff must apply. */
    record AdmitWithCondition(Condition condition) implements VenueDecision {}

    /**
     * The rule would refuse the status, but a guidance period or a suspension is in force: admit, and show the
     * notice, which says what the rule requires from {@code enforcedFrom}.
     */
    record AdmitDuringGuidance(LocalizedText notice, Instant enforcedFrom) implements VenueDecision {}

    /** The status is not admitted. */
    record NotAccepted() implements VenueDecision {}
}
