package io.checkpass.server.registry.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Whatever the bytes, the readers answer with items (Parsed or Rejected, each with a location) and never throw. */
class CsvRegistryReaderProperties {
    /**
     * Fixed, so that a run is reproducible; QuickTheories reports it with any falsifying example. Each property adds its
     * own offset, so that properties over the same generator try different examples.
     */
    private static final long SEED = 20211213L;

    /** Text made mostly of the characters that matter to CSV and to the row checks, plus anything else. */
    private static Gen<String> csvLike() {
        Gen<String> tokens = Generate.oneOf(
                arbitrary()
                        .pick(
                                ",",
                                "\"",
                                "\n",
                                "\r\n",
                                "\r",
                                " ",
                                "\uFEFF",
                                "person",
                                "immunization",
                                "test",
                                "recovery",
                                "exemption",
                                "P1",
                                "pfizer",
                                "2021-07-20",
                                "2021-12-13T10:00:00+09:00",
                                "1",
                                "12",
                                "positive"),
                text(5));
        return lists().of(tokens).ofSizeBetween(0, 60).map(list -> String.join("", list));
    }

    @Test
    void arbitrary_text_never_makes_the_csv_reader_throw() {
        qt().withExamples(400)
                .withFixedSeed(SEED)
                .forAll(csvLike())
                .checkAssert(body -> assertItems(Imports.csv(body)));
    }

    @Test
    void arbitrary_rows_under_a_valid_header_never_make_the_csv_reader_throw() {
        qt().withExamples(400)
                .withFixedSeed(SEED + 1)
                .forAll(csvLike())
                .checkAssert(rows -> assertItems(Imports.csv(CsvRegistryReaderTest.HEADER + rows)));
    }

    @Test
    void arbitrary_text_never_makes_the_fhir_reader_throw() {
        qt().withExamples(200)
                .withFixedSeed(SEED + 2)
                .forAll(jsonLike())
                .checkAssert(body -> assertItems(Imports.fhir(body)));
    }

    private static Gen<String> jsonLike() {
        Gen<String> tokens = Generate.oneOf(
                arbitrary()
                        .pick(
                                "{",
                                "}",
                                "[",
                                "]",
                                ",",
                                ":",
                                "\"",
                                "\n",
                                "\"resourceType\":",
                                "\"Bundle\"",
                                "\"Patient\"",
                                "\"Immunization\"",
                                "\"entry\":",
                                "\"resource\":",
                                "\"id\":\"a\"",
                                "\"type\":\"collection\"",
                                "\"patient\":{\"reference\":\"Patient/a\"}",
                                "null",
                                "1"),
                text(4));
        return lists().of(tokens).ofSizeBetween(0, 40).map(list -> String.join("", list));
    }

    /** Any UTF-16 text up to {@code maxLength} chars: every char value, lone surrogates included. */
    private static Gen<String> text(int maxLength) {
        return strings()
                .betweenCodePoints(Character.MIN_VALUE, Character.MAX_VALUE)
                .ofLengthBetween(0, maxLength);
    }

    private static void assertItems(List<ImportItem> items) {
        assertThat(items).allSatisfy(item -> assertThat(item.location()).isNotBlank());
    }
}
