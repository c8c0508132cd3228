package io.checkpass.bench.load.rush;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The short drill of issue 7, in the suite: a one-minute lunch rush against a real {@code checkpass serve}
 * process, SIGKILLed at simulated 12:00 and restarted. Door verdicts must not suffer, and after recovery no
 * check-in or confirmed call may be lost or stored twice.
 */
class LunchRushDrillTest {
    @TempDir
    Path dir;

    @Test
    void a_one_minute_lunch_rush_with_the_centre_killed_at_noon_loses_and_duplicates_nothing() throws Exception {
        Path report = dir.resolve("report.json");
        int exit = new CommandLine(new LunchRush())
                .execute(
                        "--minutes",
                        "1",
                        "--peak-rate",
                        "600",
                        "--wallets",
                        "1000",
                        "--scanners",
                        "60",
                        "--data",
                        dir.resolve("data").toString(),
                        "--report",
                        report.toString());
        JsonNode summary = new ObjectMapper().readTree(Files.readString(report));

        assertThat(summary.path("outage").asText()).isEqualTo("kill");
        assertThat(summary.path("outage_seconds").asInt())
                .as("the centre was really down")
                .isGreaterThan(3);
        assertThat(summary.path("door_checks").asLong()).isGreaterThan(5_000);
        assertThat(summary.path("door_failures_due_to_centre").asLong()).isZero();
        assertThat(summary.path("checkins_sent").asLong())
                .isEqualTo(summary.path("door_checks").asLong());
        assertThat(summary.path("checkins_stored").asLong())
                .isEqualTo(summary.path("checkins_sent").asLong());
        assertThat(summary.path("lost").asLong()).isZero();
        assertThat(summary.path("duplicated").asLong()).isZero();
        assertThat(summary.path("server_errors").asLong())
                .as("5xx other than 503")
                .isZero();
        assertThat(summary.path("calls_confirmed").asLong()).isPositive();
        assertThat(summary.path("responses")
                        .path("POST /api/v1/checkins no answer")
                        .asLong())
                .as("uploads failed during the outage")
                .isPositive();
        assertThat(Files.exists(dir.resolve("report.json.html"))).isTrue();
        assertThat(exit).isZero();
    }
}
