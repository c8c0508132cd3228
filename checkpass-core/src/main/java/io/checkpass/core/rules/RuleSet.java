package io.checkpass.core.rules;

import java.time.Instant;

/**
 * What one decree put in force: a set complete in itself that replaces the set before it at {@link #effectiveFrom()}.
 */
public interface RuleSet {
    /** A stable id, e.g. {@code KR-2021-12-18}. */
    String id();

    /** The instant the set takes force. */
    Instant effectiveFrom();
}
