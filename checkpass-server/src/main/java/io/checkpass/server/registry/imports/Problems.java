package io.checkpass.server.registry.imports;

import java.util.ArrayList;
import java.util.List;

/** The problems found in one input record. Checks add to it and go on, so one pass reports everything to fix. */
final class Problems {
    private final List<String> problems = new ArrayList<>();

    void add(String problem) {
        problems.add(problem);
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    List<String> list() {
        return List.copyOf(problems);
    }

    /** All problems on one line, for a {@link ImportItem.Rejected}. */
    String joined() {
        return String.join("; ", problems);
    }
}
