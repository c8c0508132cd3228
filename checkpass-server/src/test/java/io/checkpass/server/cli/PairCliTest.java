package io.checkpass.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.server.support.TestCentre;
import io.checkpass.server.visits.Venues;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code checkpass clients pair}: a code from the command line pairs a tablet; an unknown venue is a clear error. */
class PairCliTest {
    static final Instant NOW = Instant.parse("2022-01-20T02:55:00Z");

    @Test
    void the_cli_makes_a_code_that_pairs_a_tablet() {
        try (TestCentre centre = new TestCentre(NOW)) {
            centre.server
                    .centre()
                    .venues()
                    .add(new Venues.Venue(
                            "venue-cli", "123-45-67890", "종로 분식", "서울 종로구", "서울", "restaurant_cafe", Optional.empty()));
            CliRun made = CliRun.onCentre(NOW, centre, "clients", "pair", "--venue", "venue-cli")
                    .ok();
            Matcher code = Pattern.compile("pairing code: (\\S+)").matcher(made.out());
            assertThat(code.find()).as(made.out()).isTrue();
            assertThat(centre.post("/api/v1/scanner-pairings", null, "{\"code\":\"" + code.group(1) + "\"}")
                            .statusCode())
                    .isEqualTo(201);
            CliRun unknown = CliRun.onCentre(NOW, centre, "clients", "pair", "--venue", "nowhere");
            assertThat(unknown.exitCode()).isNotZero();
            assertThat(unknown.err()).contains("등록되지 않은 시설");
        }
    }
}
