package io.checkpass.server.registry.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever the bytes, the readers answer with items (Parsed or Rejected, each with a location) and never throw. */
class CsvRegistryReaderProperties {

    /** Text made mostly of the characters that matter to CSV and to the row checks, plus anything else. */
    @Provide
    Arbitrary<String> csvLike() {
        Arbitrary<String> tokens = Arbitraries.oneOf(
                Arbitraries.of(",", "\"", "\n", "\r\n", "\r", " ", "\uFEFF", "person", "immunization", "test", "recovery",
                        "exemption", "P1", "pfizer", "2021-07-20", "2021-12-13T10:00:00+09:00", "1", "12", "positive"),
                Arbitraries.strings().ofMaxLength(5));
        return tokens.list().ofMaxSize(60).map(list -> String.join("", list));
    }

    @Property(tries = 400)
    void arbitrary_text_never_makes_the_csv_reader_throw(@ForAll("csvLike") String body) {
        assertItems(Imports.csv(body));
    }

    @Property(tries = 400)
    void arbitrary_rows_under_a_valid_header_never_make_the_csv_reader_throw(@ForAll("csvLike") String rows) {
        assertItems(Imports.csv(CsvRegistryReaderTest.HEADER + rows));
    }

    @Property(tries = 200)
    void arbitrary_text_never_makes_the_fhir_reader_throw(@ForAll("jsonLike") String body) {
        assertItems(Imports.fhir(body));
    }

    @Provide
    Arbitrary<String> jsonLike() {
        Arbitrary<String> tokens = Arbitraries.oneOf(
                Arbitraries.of("{", "}", "[", "]", ",", ":", "\"", "\n", "\"resourceType\":", "\"Bundle\"", "\"Patient\"",
                        "\"Immunization\"", "\"entry\":", "\"resource\":", "\"id\":\"a\"", "\"type\":\"collection\"",
                        "\"patient\":{\"reference\":\"Patient/a\"}", "null", "1"),
                Arbitraries.strings().ofMaxLength(4));
        return tokens.list().ofMaxSize(40).map(list -> String.join("", list));
    }

    private static void assertItems(List<ImportItem> items) {
        assertThat(items).allSatisfy(item -> assertThat(item.location()).isNotBlank());
    }
}
