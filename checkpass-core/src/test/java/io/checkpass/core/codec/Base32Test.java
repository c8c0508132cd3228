package io.checkpass.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Base32Test {
    private static String decode(String text) {
        return new String(Base32.decode(text, 0, text.length()), StandardCharsets.US_ASCII);
    }

    /** RFC 4648 §10, without the padding NZ COVID Passes leave out. */
    @ParameterizedTest
    @CsvSource({"'',''", "MY,f", "MZXQ,fo", "MZXW6,foo", "MZXW6YQ,foob", "MZXW6YTB,fooba", "MZXW6YTBOI,foobar"})
    void the_rfc_4648_vectors_decode(String encoded, String decoded) {
        assertThat(decode(encoded)).isEqualTo(decoded);
    }

    @ParameterizedTest
    @ValueSource(strings = {"MY======", "my", "MZXW1", "M", "MZX", "MZXW6Y", "MZ"})
    void padding_lower_case_foreign_characters_impossible_lengths_and_stray_bits_are_refused(String encoded) {
        assertThatThrownBy(() -> decode(encoded)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_range_of_the_text_decodes_alone() {
        assertThat(new String(Base32.decode("NZCP:/1/MZXW6", 8, 13), StandardCharsets.US_ASCII))
                .isEqualTo("foo");
    }
}
