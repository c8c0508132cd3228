package io.checkpass.server.registry.imports;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Reads a whole (small) input through a reader, for tests. */
final class Imports {
    private Imports() {}

    static List<ImportItem> readAll(RegistryReader reader) {
        List<ImportItem> items = new ArrayList<>();
        try (reader) {
            reader.forEachRemaining(items::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return items;
    }

    static List<ImportItem> csv(String text) {
        return readAll(CsvRegistryReader.open(utf8(text)));
    }

    static List<ImportItem> fhir(String text) {
        return readAll(FhirRegistryReader.open(SharedFhir.MAPPER, utf8(text)));
    }

    static InputStream utf8(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The items as "location: problem" lines, for readable assertion failures. */
    static List<String> describe(List<ImportItem> items) {
        Function<ImportItem, String> line = i -> switch (i) {
            case ImportItem.Parsed p -> p.location() + " = " + p.record();
            case ImportItem.Rejected r -> r.location() + " ! " + r.problem();
        };
        return items.stream().map(line).toList();
    }
}
