package io.checkpass.server.registry.imports;

import io.checkpass.core.registry.TestRecord;
import java.util.List;
import java.util.Objects;

/** What a lab's posted result came to: a test record, or the problems to send back (a 4xx, never a 500). */
public sealed interface LabResult {

    record Accepted(TestRecord test) implements LabResult {
        public Accepted {
            Objects.requireNonNull(test, "test");
        }
    }

    /** @param problems one sentence each, naming the field and the fix */
    record Invalid(List<String> problems) implements LabResult {
        public Invalid {
            problems = List.copyOf(problems);
            if (problems.isEmpty()) {
                throw new IllegalArgumentException("an invalid result needs at least one problem");
            }
        }
    }
}
