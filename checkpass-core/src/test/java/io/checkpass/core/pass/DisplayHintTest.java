package io.checkpass.core.pass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DisplayHintTest {

    @ParameterizedTest(name = "{0} is shown as {1}")
    @CsvSource({
        "홍길동, 홍*동",
        "남궁민수, 남*수",
        "김철, 김*",
        "이, *",
        "John Smith, J*h",
    })
    void names_keep_only_their_first_and_last_character(String name, String masked) {
        assertThat(DisplayHint.mask(name)).isEqualTo(masked);
    }

    @Test
    void implausible_birth_years_are_rejected() {
        assertThatThrownBy(() -> DisplayHint.of("홍길동", 1850)).hasMessageContaining("1850");
    }
}
