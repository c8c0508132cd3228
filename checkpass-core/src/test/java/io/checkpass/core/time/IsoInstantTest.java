package io.checkpass.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class IsoInstantTest {

    @Test
    void an_instant_with_an_offset_or_z_is_read() {
        assertThat(IsoInstant.parse("2021-12-13T12:00:00+09:00")).isEqualTo(Instant.parse("2021-12-13T03:00:00Z"));
        assertThat(IsoInstant.parse("2021-12-13T03:00:00Z")).isEqualTo(Instant.parse("2021-12-13T03:00:00Z"));
        assertThat(IsoInstant.parse("2021-12-13T03:00:00.123456789Z"))
                .isEqualTo(Instant.parse("2021-12-13T03:00:00.123456789Z"));
    }

    @Test
    void each_way_of_getting_it_wrong_is_named_with_the_fix() {
        assertThatThrownBy(() -> IsoInstant.parse("2021-12-13T10:00:00"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "'2021-12-13T10:00:00' has no UTC offset; write it with its offset, e.g. 2021-12-13T10:00:00+09:00 for 10:00 KST");
        assertThatThrownBy(() -> IsoInstant.parse("2021-12-18"))
                .hasMessage(
                        "'2021-12-18' is a date without a time; write the instant, e.g. 2021-12-13T00:00:00+09:00 for midnight KST");
        assertThatThrownBy(() -> IsoInstant.parse("yesterday"))
                .hasMessage(
                        "'yesterday' is not a date-time; write it with its offset, e.g. 2021-12-13T10:00:00+09:00 for 10:00 KST");
        assertThatThrownBy(() -> IsoInstant.parse(null)).hasMessageStartingWith("'null' is not a date-time");
    }
}
