package io.checkpass.core.status;

import io.checkpass.core.pass.PassStatus;
import io.checkpass.core.rules.LocalizedText;
import java.time.Instant;
import java.util.Optional;

/** One status a record gives, over [from, until), with the reason shown when it is chosen. */
record StatusWindow(PassStatus status, Instant from, Optional<Instant> until, LocalizedText reason) {

    boolean holdsAt(Instant at) {
        return !at.isBefore(from) && until.map(at::isBefore).orElse(true);
    }

    boolean startsAfter(Instant at) {
        return from.isAfter(at);
    }

    boolean endedBy(Instant at) {
        return until.map(u -> !u.isAfter(at)).orElse(false);
    }

    /** The last resort of every ordering, so that windows equal in all else still sort the same every time. */
    String tieBreak() {
        return reason.en();
    }

    /** For ordering by end: an open-ended window ends last. */
    Instant end() {
        return until.orElse(Instant.MAX);
    }
}
