package io.checkpass.conformance.foreign;

import io.checkpass.core.verify.PassWarning;
import io.checkpass.core.verify.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The outcome of running one format's conformance suite: a result per case, and the lines the CLI prints — one per
 * disagreement, one per skipped case with its reason, one per expectation the case gave no input to test, then (for
 * suites that judge it) the door section: one line per door disagreement, one per schema warning the reader read
 * past, and a door summary; and a last line {@code N passed, M failed, K skipped[, U untested]}.
 *
 * @param format "dcc", "shc" or "nzcp"
 * @param cases  every case, in the order they ran
 * @param doors  what the door did with each case it could judge (a case needs trust material to be judged)
 */
public record ConformanceReport(String format, List<CaseResult> cases, List<DoorResult> doors) {
    public ConformanceReport {
        cases = List.copyOf(cases);
        doors = List.copyOf(doors);
    }

    /** How a case's disagreement at the door starts, so that it is listed in the door section only. */
    public static final String DOOR_DISAGREEMENT = "at the door: ";

    /** A report without a door section. */
    public ConformanceReport(String format, List<CaseResult> cases) {
        this(format, cases, List.of());
    }

    /**
     * What the door did with one case, against what the case's trust and decoding expectations imply: accept a
     * genuine, valid certificate, and refuse any other for a reason its false flags allow. Schema expectations do not
     * enter: a genuine certificate that bends the schema is read, with warnings.
     *
     * @param name         the case
     * @param expectAccept whether every trust and decoding expectation is true
     * @param allowed      the refusals the false expectations allow (empty when acceptance is expected)
     * @param refusal      why the door refused, or empty when it accepted
     * @param warnings     the schema deviations the reader read past, when it read the certificate
     */
    public record DoorResult(
            String name,
            boolean expectAccept,
            Set<Reason> allowed,
            Optional<Reason> refusal,
            List<PassWarning> warnings) {
        public DoorResult {
            allowed = Set.copyOf(allowed);
            warnings = List.copyOf(warnings);
        }

        public boolean accepted() {
            return refusal.isEmpty();
        }

        /** Accepted when expected to, or refused for an allowed reason when expected to refuse. */
        public boolean agrees() {
            return expectAccept ? accepted() : refusal.map(allowed::contains).orElse(false);
        }

        DoorResult named(String newName) {
            return new DoorResult(newName, expectAccept, allowed, refusal, warnings);
        }

        /** What happened, against what was expected. */
        public String describe() {
            String did = refusal.map(r -> "refused (" + r + ")").orElse("accepted");
            if (expectAccept) {
                return "expected accept, " + did;
            }
            String reasons = allowed.stream().map(Enum::name).sorted().collect(Collectors.joining("/"));
            return "expected refuse (" + reasons + "), " + did;
        }
    }

    public long doorAgreed() {
        return doors.stream().filter(DoorResult::agrees).count();
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
                    // A door disagreement is listed in the door section below, not among the expectations.
                    failed.disagreements().stream()
                            .filter(d -> !d.startsWith(DOOR_DISAGREEMENT))
                            .forEach(d -> lines.add(line("FAIL", failed.name(), d)));
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
        if (!doors.isEmpty()) {
            for (DoorResult door : doors) {
                if (!door.agrees()) {
                    lines.add(line("DOOR", door.name(), door.describe()));
                }
                door.warnings().forEach(w -> lines.add(line("WARN", door.name(), w.toString())));
            }
            long accepted = doors.stream().filter(DoorResult::accepted).count();
            long genuine = doors.stream().filter(DoorResult::expectAccept).count();
            lines.add("door: " + doorAgreed() + " of " + doors.size() + " agree ("
                    + String.format(Locale.ROOT, "%.1f", 100.0 * doorAgreed() / doors.size()) + "%); "
                    + accepted + " accepted, " + (doors.size() - accepted) + " refused; " + genuine
                    + " expected to be accepted");
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
