package io.checkpass.core.rules;

import java.time.Instant;
import java.util.Optional;

/**
 * What one decree put in force: a set complete in itself that replaces the set before it at {@link #effectiveFrom()}.
 */
public interface RuleSet {
    /** A stable id, e.g. {@code KR-2021-12-18}. */
    String id();

    /** The instant the set takes force. */
    Instant effectiveFrom();

    /**
     * For a temporary set (an emergency decree), the instant it lapses and the set before it applies again; empty
     * for a set that stands until a later one replaces it.
     */
    default Optional<Instant> until() {
        return Optional.empty();
    }
}
