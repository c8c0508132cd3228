package io.checkpass.core.codec;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DefiniteLengthsTest {
    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    @Test
    void definite_items_pass_whatever_bytes_their_strings_hold() {
        // [h'ff9f', "x", {1: [2, 3.5]}, 24(h'bf')] — string contents are not heads
        assertThatCode(() -> DefiniteLengths.check(hex("84 42ff9f 6178 a1 01 82 02 f94300 d818 41bf")))
                .doesNotThrowAnyException();
        assertThatCode(() -> DefiniteLengths.check(hex("1b ffffffffffffffff"))).doesNotThrowAnyException();
    }

    @Test
    void an_indefinite_array_map_byte_or_text_string_is_refused_at_any_depth() {
        for (String bad : new String[] {
            "9f 01 ff", "bf 01 02 ff", "5f 41 00 ff", "7f 61 78 ff", "82 01 a1 02 9f ff", "d8 18 9f ff"
        }) {
            assertThatThrownBy(() -> DefiniteLengths.check(hex(bad)))
                    .as(bad)
                    .isInstanceOf(CborException.class)
                    .hasMessageContaining("indefinite");
        }
    }

    @Test
    void reserved_heads_are_refused_and_truncated_input_is_left_to_the_decoder() {
        assertThatThrownBy(() -> DefiniteLengths.check(hex("1c"))).isInstanceOf(CborException.class);
        assertThatCode(() -> DefiniteLengths.check(hex("58 10 01"))).doesNotThrowAnyException();
        assertThatCode(() -> DefiniteLengths.check(hex("9b 00000000ffffffff")))
                .as("an absurd count is the decoder's to refuse")
                .doesNotThrowAnyException();
    }
}
