package io.checkpass.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code checkpass vectors}: the command writes the files and says what it wrote. What the files hold, replayed
 * through a fresh verifier, is tested beside the generator: {@code NativeVectorsTest} in checkpass-conformance.
 */
class VectorsCommandTest {
    @TempDir
    Path dir;

    @Test
    void the_command_writes_the_cases_the_bundles_and_the_anchor_and_counts_them() throws Exception {
        CliRun run = CliRun.of(Instant.parse("2026-01-01T00:00:00Z"), "vectors", "--out", dir.toString())
                .ok();
        JsonNode cases = new ObjectMapper().readTree(dir.resolve("cases.json").toFile());
        assertThat(run.out())
                .contains("wrote " + cases.path("cases").size() + " cases")
                .contains(" bundles to " + dir);
        assertThat(cases.path("cases").size()).isGreaterThan(80);
        assertThat(dir.resolve(cases.path("anchor").path("file").asText())).isRegularFile();
        cases.path("bundles")
                .forEach(b -> assertThat(dir.resolve(b.path("file").asText())).isRegularFile());
    }

    @Test
    void a_missing_out_option_is_a_usage_error() {
        CliRun run = CliRun.of(Instant.parse("2026-01-01T00:00:00Z"), "vectors");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--out");
    }
}
