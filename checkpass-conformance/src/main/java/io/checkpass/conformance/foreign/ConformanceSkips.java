package io.checkpass.conformance.foreign;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.core.codec.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The reviewed list of conformance cases that upstream got wrong, each with the reason, versioned in the repository
 * ({@value #PACKAGED}). A skipped case is reported as {@code SKIP <case>: <reason>}, never silently left out.
 *
 * @param skips every entry
 */
public record ConformanceSkips(List<Skip> skips) {
    public static final String PACKAGED = "/io/checkpass/conformance/foreign/conformance-skips.json";

    /**
     * One skipped case.
     *
     * @param format   "dcc", "shc" or "nzcp"
     * @param caseName the case's path relative to the suite folder
     * @param reason   why upstream's expectation is wrong
     */
    public record Skip(String format, String caseName, String reason) {
        public Skip {
            if (format == null || caseName == null || caseName.isBlank() || reason == null || reason.isBlank()) {
                throw new IllegalArgumentException("a skip needs a format, a case and a reason");
            }
        }
    }

    public ConformanceSkips {
        skips = List.copyOf(skips);
    }

    public static ConformanceSkips none() {
        return new ConformanceSkips(List.of());
    }

    /** The list versioned with this build. */
    public static ConformanceSkips packaged() {
        try (InputStream in = ConformanceSkips.class.getResourceAsStream(PACKAGED)) {
            if (in == null) {
                throw new IllegalStateException(PACKAGED + " is missing from the build");
            }
            return parse(Json.parse(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a skip list file.
     *
     * @throws IllegalArgumentException if it is not a skip list
     * @throws IOException if it cannot be read
     */
    public static ConformanceSkips read(Path file) throws IOException {
        return parse(Json.parse(Files.readAllBytes(file)));
    }

    private static ConformanceSkips parse(JsonNode json) {
        JsonNode entries = json.path("skips");
        if (!entries.isArray()) {
            throw new IllegalArgumentException("a skip list is {\"skips\": [{\"format\", \"case\", \"reason\"}, ...]}");
        }
        List<Skip> skips = new ArrayList<>();
        for (JsonNode entry : entries) {
            skips.add(new Skip(
                    entry.path("format").asText(null),
                    entry.path("case").asText(null),
                    entry.path("reason").asText(null)));
        }
        return new ConformanceSkips(skips);
    }

    /** Why {@code caseName} of {@code format} is skipped, if it is. */
    public Optional<String> reason(String format, String caseName) {
        return skips.stream()
                .filter(s -> s.format().equals(format) && s.caseName().equals(caseName))
                .map(Skip::reason)
                .findFirst();
    }
}
