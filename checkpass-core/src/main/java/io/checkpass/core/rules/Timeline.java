package io.checkpass.core.rules;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Rule sets in the order they take force; the set in force at an instant is the last one that has started. */
final class Timeline<S extends RuleSet> {
    private final List<S> sets;

    private Timeline(List<S> sets) {
        this.sets = sets;
    }

    /**
     * Orders the sets by {@code effectiveFrom}.
     *
     * @throws RulesFormatException if two sets take force at the same instant
     */
    static <S extends RuleSet> Timeline<S> of(List<S> sets) {
        List<S> sorted = new ArrayList<>(sets);
        sorted.sort(Comparator.comparing(RuleSet::effectiveFrom));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).effectiveFrom().equals(sorted.get(i - 1).effectiveFrom())) {
                throw new RulesFormatException("rule sets " + sorted.get(i - 1).id() + " and "
                        + sorted.get(i).id() + " take force at the same instant");
            }
        }
        for (S set : sorted) {
            if (set.until().isPresent() && !set.until().get().isAfter(set.effectiveFrom())) {
                throw new RulesFormatException("rule set " + set.id() + ": 'until' must be after 'effectiveFrom'");
            }
        }
        return new Timeline<>(List.copyOf(sorted));
    }

    List<S> sets() {
        return sets;
    }

    /** The last set that has started at {@code instant}, passing over temporary sets that have lapsed. */
    Optional<S> inForceAt(Instant instant) {
        S found = null;
        for (S set : sets) {
            if (set.effectiveFrom().isAfter(instant)) {
                break;
            }
            if (set.until().isEmpty() || set.until().get().isAfter(instant)) {
                found = set;
            }
        }
        return Optional.ofNullable(found);
    }

    /** The first set that takes force after {@code instant}. */
    Optional<S> nextAfter(Instant instant) {
        return sets.stream().filter(set -> set.effectiveFrom().isAfter(instant)).findFirst();
    }
}
