package io.checkpass.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.checkpass.conformance.foreign.ConformanceReport;
import io.checkpass.conformance.foreign.ConformanceSkips;
import io.checkpass.conformance.foreign.DccConformance;
import io.checkpass.conformance.foreign.NzcpConformance;
import io.checkpass.conformance.foreign.ShcConformance;
import io.checkpass.core.codec.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "conformance",
        mixinStandardHelpOptions = true,
        description = {
            "Run a foreign-pass conformance suite: every case in DIR, with its own expectations and pinned clock.",
            "Prints one line per disagreement, SKIP lines for the reviewed skip list, and a last line 'N passed, M failed, K skipped'.",
            "Exits 1 if any case fails."
        },
        footerHeading = CheckpassCli.EXAMPLES,
        footer = {
            "  ./checkpass conformance dcc testdata/dcc",
            "  ./checkpass conformance shc testdata/shc",
            "  ./checkpass conformance nzcp testdata/nzcp"
        })
final class ConformanceCommand implements Callable<Integer> {
    private final CliContext context;

    @Parameters(index = "0", paramLabel = "FORMAT", description = "dcc, shc or nzcp.")
    String format;

    @Parameters(
            index = "1",
            paramLabel = "DIR",
            description = "A folder laid out like the upstream suite (e.g. testdata/dcc).")
    Path dir;

    @Option(
            names = "--skips",
            paramLabel = "FILE",
            description = "Skip list to use instead of the reviewed one built in.")
    Path skipsFile;

    @Option(
            names = "--expectations",
            paramLabel = "FILE",
            description = "shc only: expectations to use instead of the built-in transcription of the SMART suite.")
    Path expectations;

    ConformanceCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new CliException(dir + " is not a folder");
        }
        ConformanceSkips skips = skipsFile == null ? ConformanceSkips.packaged() : readSkips(skipsFile);
        String kind = format.toLowerCase(Locale.ROOT);
        if (expectations != null && !kind.equals(ShcConformance.FORMAT)) {
            throw new CliException("--expectations applies to shc only");
        }
        ConformanceReport report = switch (kind) {
            case DccConformance.FORMAT -> new DccConformance(context.es256()).run(dir, skips);
            case ShcConformance.FORMAT -> new ShcConformance(context.es256()).run(dir, shcExpectations(), skips);
            case NzcpConformance.FORMAT -> new NzcpConformance(context.es256()).run(dir, skips);
            default -> throw new CliException("unknown format '" + format + "'; use dcc, shc or nzcp");
        };
        report.lines().forEach(context.out()::println);
        return report.agrees() ? 0 : 1;
    }

    private JsonNode shcExpectations() throws IOException {
        if (expectations == null) {
            return ShcConformance.packagedExpectations();
        }
        return Json.parse(CliFiles.read(expectations, "expectations"));
    }

    private static ConformanceSkips readSkips(Path file) throws IOException {
        try {
            return ConformanceSkips.read(file);
        } catch (IllegalArgumentException e) {
            throw new CliException("skip list " + file + ": " + e.getMessage());
        }
    }
}
