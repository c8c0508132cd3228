package io.checkpass.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.server.support.TestCentre;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `checkpass rules diff|publish|history` and `issue-ahead --rule-change` against a real centre's database. */
class RulesCliTest {
    static final Instant NOW = Instant.parse("2022-02-10T01:00:00Z");

    static final String LARGE_STORES_AGAIN = """
            {"kind": "venue",
             "ruleSet": {"id": "KR-CLI-2022-02-11", "effectiveFrom": "2022-02-11T00:00:00+09:00",
               "title": {"ko": "대규모점포 재적용", "en": "Large stores again"},
               "passRequired": ["entertainment", "karaoke", "large_store"],
               "admit": ["vaccinated", "tested", "recovered", "exempt", "minor"],
               "conditional": []}}
            """;

    @Test
    void diff_shows_the_changes_publish_records_a_version_and_the_past_needs_a_correction(@TempDir Path dir)
            throws Exception {
        try (TestCentre centre = new TestCentre(NOW)) {
            Path decree = Files.writeString(dir.resolve("decree.json"), LARGE_STORES_AGAIN);
            CliRun diff = CliRun.onCentre(NOW, centre, "rules", "diff", decree.toString())
                    .ok();
            assertThat(diff.out())
                    .contains("venue rule set KR-CLI-2022-02-11 takes force at 2022-02-10T15:00:00Z")
                    .contains("in force before it: KR-2022-01-18")
                    .contains("passRequired + large_store")
                    .contains("passRequired − restaurant_cafe");
            assertThat(centre.server.centre().rules().venueVersion()).isEqualTo(1);

            CliRun publish = CliRun.onCentre(NOW, centre, "rules", "publish", "--actor", "ops-kim", decree.toString())
                    .ok();
            assertThat(publish.out()).contains("published as venue rules version 2, in trust bundle version");
            CliRun history = CliRun.onCentre(NOW, centre, "rules", "history").ok();
            assertThat(history.out())
                    .contains("venue v2  cli:ops-kim  KR-CLI-2022-02-11")
                    .contains("venue v1  seed");

            // The running centre picks it up on its next refresh.
            centre.server.centre().refreshRules();
            assertThat(centre.server.centre().rules().venueVersion()).isEqualTo(2);

            Path example = Path.of("../docs/examples/2021-12-13-not-enforced.json");
            Path withoutCorrection = Files.writeString(
                    dir.resolve("past.json"),
                    Files.readString(example).replaceFirst("\"correction\": \"[^\"]*\",", ""));
            CliRun past = CliRun.onCentre(NOW, centre, "rules", "diff", withoutCorrection.toString());
            assertThat(past.exitCode()).isEqualTo(1);
            assertThat(past.err()).contains("rejected").contains("correction");
            CliRun corrected = CliRun.onCentre(NOW, centre, "rules", "diff", example.toString())
                    .ok();
            assertThat(corrected.out())
                    .contains("correction: Recording in the history")
                    .contains("guidance");

            Path broken =
                    Files.writeString(dir.resolve("broken.json"), LARGE_STORES_AGAIN.replace("karaoke", "bowling"));
            CliRun invalid = CliRun.onCentre(NOW, centre, "rules", "publish", "--actor", "ops-kim", broken.toString());
            assertThat(invalid.exitCode()).isEqualTo(1);
            assertThat(invalid.err()).contains("KR-CLI-2022-02-11").contains("bowling");
        }
    }

    @Test
    void issue_ahead_for_a_rule_change_needs_one_to_be_published() {
        try (TestCentre centre = new TestCentre(Instant.parse("2023-01-01T00:00:00Z"))) {
            CliRun none =
                    CliRun.onCentre(Instant.parse("2023-01-01T00:00:00Z"), centre, "issue-ahead", "--rule-change");
            assertThat(none.exitCode()).isNotZero();
            assertThat(none.err()).contains("no medical rule change is published after now");
            CliRun both = CliRun.onCentre(
                    Instant.parse("2023-01-01T00:00:00Z"),
                    centre,
                    "issue-ahead",
                    "--rule-change",
                    "--date",
                    "2023-01-02");
            assertThat(both.exitCode()).isNotZero();
            assertThat(both.err()).contains("--date DAY or --rule-change");
        }
    }
}
