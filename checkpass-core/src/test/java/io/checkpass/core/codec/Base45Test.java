package io.checkpass.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quicktheories.generators.Generate;

class Base45Test {
    /** Fixed, so that a run is reproducible; QuickTheories reports it with any falsifying example. */
    private static final long SEED = 9285L;

    @ParameterizedTest(name = "{0} encodes as \"{1}\"")
    @CsvSource(
            delimiter = '|',
            value = {
                "AB|BB8",
                "Hello!!|%69 VD92EX0",
                "base-45|UJCLQE7W581",
                "ietf!|QED8WEX0",
            })
    void rfc_9285_examples_encode_and_decode(String plain, String encoded) {
        assertThat(Base45.encode(plain.getBytes(StandardCharsets.US_ASCII))).isEqualTo(encoded);
        assertThat(new String(Base45.decode(encoded), StandardCharsets.US_ASCII))
                .isEqualTo(plain);
    }

    @Test
    void characters_outside_the_alphabet_are_rejected() {
        assertThatThrownBy(() -> Base45.decode("bb8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Base45.decode("BB€")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_dangling_character_is_rejected() {
        assertThatThrownBy(() -> Base45.decode("BB8B")).hasMessageContaining("dangling");
    }

    @Test
    void a_triple_above_65535_is_rejected() {
        assertThatThrownBy(() -> Base45.decode("GGW")).hasMessageContaining("65535");
        assertThat(Base45.decode("FGW")).containsExactly(0xff, 0xff);
    }

    @Test
    void any_bytes_round_trip() {
        qt().withExamples(1000)
                .withFixedSeed(SEED)
                .forAll(Generate.byteArrays(
                        Generate.range(0, 600), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0)))
                .checkAssert(data -> {
                    String text = Base45.encode(data);
                    assertThat(text).hasSize(Base45.encodedLength(data.length));
                    assertThat(Base45.decode(text)).isEqualTo(data);
                });
    }
}
