package io.checkpass.conformance.foreign;

import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of running one format's conformance suite: a result per case, and the lines the CLI prints — one per
 * disagreement, one per skipped case with its reason, one per expectation the case gave no input to test, and a last
 * line {@code N passed, M failed, K skipped[, U untested]}.
 *
 * @param format "dcc", "shc" or "nzcp"
 * @param cases  every case, in the order they ran
 */
public record ConformanceReport(String format, List<CaseResult> cases) {
    public ConformanceReport {
        cases = List.copyOf(cases);
    }

    /** One case's result. */
    public sealed interface CaseResult {
        /** The case's name: its path relative to the suite folder, or the vector's name. */
        String name();
    }

    /**
     * Every expectation of the case that could be tested held.
     *
     * @param untested expectations the case gives no input for (as upstream's own runner, we do not count them as
     *                 failures, but we say so)
     */
    public record Passed(String name, List<String> untested) implements CaseResult {
        public Passed {
            untested = List.copyOf(untested);
        }

        public Passed(String name) {
            this(name, List.of());
        }
    }

    /** Some expectations did not hold; each entry says which and what happened instead. */
    public record Failed(String name, List<String> disagreements, List<String> untested) implements CaseResult {
        public Failed {
            disagreements = List.copyOf(disagreements);
            untested = List.copyOf(untested);
            if (disagreements.isEmpty()) {
                throw new IllegalArgumentException("a failed case needs at least one disagreement");
            }
        }

        public Failed(String name, List<String> disagreements) {
            this(name, disagreements, List.of());
        }
    }

    /**
     * On the reviewed skip list, with the reason upstream is wrong. Skipped cases still run, so that one that has come
     * to agree (upstream fixed, or our reading changed) is flagged for removal instead of staying on the list.
     */
    public record Skipped(String name, String reason, boolean nowAgrees) implements CaseResult {}

    public long passed() {
        return cases.stream().filter(Passed.class::isInstance).count();
    }

    public long failed() {
        return cases.stream().filter(Failed.class::isInstance).count();
    }

    public long skipped() {
        return cases.stream().filter(Skipped.class::isInstance).count();
    }

    /** Expectations that cases gave no input to test. */
    public long untested() {
        return cases.stream()
                .mapToLong(c -> switch (c) {
                    case Passed p -> p.untested().size();
                    case Failed f -> f.untested().size();
                    case Skipped ignored -> 0;
                })
                .sum();
    }

    /** True when no case failed. */
    public boolean agrees() {
        return failed() == 0;
    }

    /** What the CLI prints, last line {@code N passed, M failed, K skipped[, U untested]}. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (CaseResult result : cases) {
            switch (result) {
                case Failed failed -> {
                    failed.disagreements().forEach(d -> lines.add(line("FAIL", failed.name(), d)));
                    failed.untested().forEach(u -> lines.add(line("UNTESTED", failed.name(), u)));
                }
                case Passed passed -> passed.untested().forEach(u -> lines.add(line("UNTESTED", passed.name(), u)));
                case Skipped skipped ->
                    lines.add(line(
                            "SKIP",
                            skipped.name(),
                            skipped.reason()
                                    + (skipped.nowAgrees() ? " [it now agrees: take it off the skip list]" : "")));
            }
        }
        long untested = untested();
        lines.add(passed() + " passed, " + failed() + " failed, " + skipped() + " skipped"
                + (untested > 0 ? ", " + untested + " untested" : ""));
        return lines;
    }

    /** One line, whatever the message holds: an upstream error text may span several. */
    private static String line(String kind, String name, String message) {
        return kind + " " + name + ": " + message.replaceAll("\\s*\\R\\s*", " ");
    }
}
