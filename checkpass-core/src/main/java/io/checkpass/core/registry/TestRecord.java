package io.checkpass.core.registry;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A COVID-19 test result.
 *
 * @param resultAt when the result was reported; PCR validity counts from here
 */
public record TestRecord(String personId, Instant resultAt, Kind kind, boolean positive) implements RegistryRecord {
    public enum Kind {
        PCR,
        RAPID_ANTIGEN;

        public static Kind parse(String name) {
            String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            return switch (n) {
                case "PCR", "NAAT" -> PCR;
                case "RAPID_ANTIGEN", "RAT", "ANTIGEN" -> RAPID_ANTIGEN;
                default ->
                    throw new IllegalArgumentException("unknown test kind '" + name + "'; use pcr or rapid_antigen");
            };
        }
    }

    public TestRecord {
        PersonRecord.requireId(personId);
        Objects.requireNonNull(resultAt, "resultAt");
        Objects.requireNonNull(kind, "kind");
    }
}
