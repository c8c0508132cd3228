package io.checkpass.server.registry.imports;

import io.checkpass.core.registry.RegistryRecord;
import java.util.Objects;

/**
 * What a {@link RegistryReader} made of one input record: the record, or the reason it was refused. A reader yields
 * exactly one item per input record, so that nothing is dropped silently.
 */
public sealed interface ImportItem {

    /** Where the record is in the input: {@code line 17} for CSV, {@code Immunization/abc123} for FHIR. */
    String location();

    /** A record that passed every check. */
    record Parsed(RegistryRecord record, String location) implements ImportItem {
        public Parsed {
            Objects.requireNonNull(record, "record");
            Objects.requireNonNull(location, "location");
        }
    }

    /**
     * A record that was refused.
     *
     * @param problem what is wrong and how to fix it, naming the column or element, e.g.
     *                {@code column 'dose': 'two' is not a whole number; write 1 for a first dose}
     */
    record Rejected(String location, String problem) implements ImportItem {
        public Rejected {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(problem, "problem");
        }
    }
}
