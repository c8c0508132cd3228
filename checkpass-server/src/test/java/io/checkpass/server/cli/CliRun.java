package io.checkpass.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.server.support.TestCentre;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Runs the CLI in-process with a pinned clock and captures what it prints. */
public record CliRun(int exitCode, String out, String err) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static CliRun of(Instant now, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = CheckpassCli.run(
                args,
                Clock.fixed(now, ZoneOffset.UTC),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs a command against a test centre's data directory and database, as an operator on its machine would. */
    public static CliRun onCentre(Instant now, TestCentre centre, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(
                "--data",
                centre.dataDir.toString(),
                "--db-url",
                centre.server.config().database().url().orElseThrow(),
                "--db-user",
                "postgres"));
        return of(now, all.toArray(String[]::new));
    }

    public JsonNode json() {
        try {
            return JSON.readTree(out);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + out + " / stderr: " + err, e);
        }
    }

    public CliRun ok() {
        if (exitCode != 0) {
            throw new AssertionError("exit " + exitCode + ": " + err);
        }
        return this;
    }
}
