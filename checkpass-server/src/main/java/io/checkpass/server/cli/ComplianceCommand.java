package io.checkpass.server.cli;

import io.checkpass.server.CentreServices;
import io.checkpass.server.compliance.ComplianceJson;
import io.checkpass.server.compliance.ComplianceService;
import io.checkpass.server.compliance.Finding;
import io.checkpass.server.compliance.VenueCompliance;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "compliance",
        mixinStandardHelpOptions = true,
        description = "What the door log shows about venues (docs/compliance.md).",
        subcommands = {ComplianceCommand.Summary.class, HelpCommand.class},
        footerHeading = CheckpassCli.EXAMPLES,
        footer = {
            "  ./checkpass compliance summary venue-01 \\",
            "      --from 2021-12-13T11:00:00+09:00 --to 2021-12-13T14:00:00+09:00",
            "  ./checkpass compliance summary --from 2021-12-13 --to 2021-12-14"
        })
final class ComplianceCommand {
    private ComplianceCommand() {}

    @Command(
            name = "summary",
            mixinStandardHelpOptions = true,
            description = {
                "The door summary of one venue, or of every venue, over [FROM, TO): checks by channel and verdict,"
                        + " denials, and findings with their evidence (NO_SCANS_WHILE_OPEN, WRONG_VENUE_TYPE,"
                        + " SCANNER_OFFLINE, CENTRE_DEGRADED).",
                "Without a venue, prints the venues with findings, one line per finding; --json prints every venue as"
                        + " a JSON line. Exit 0, or 1 when the venue does not exist."
            },
            footerHeading = CheckpassCli.EXAMPLES,
            footer = {
                "  ./checkpass compliance summary venue-01 --from 2021-12-13 --to 2021-12-14",
                "  ./checkpass compliance summary --from 2021-12-13 --to 2021-12-14 --json"
            })
    static final class Summary implements Callable<Integer> {
        private final CliContext context;

        @Mixin
        CentreOptions centre;

        @Parameters(arity = "0..1", paramLabel = "VENUE", description = "A venue id; every venue when omitted.")
        String venueId;

        @Option(
                names = "--from",
                paramLabel = "INSTANT",
                description = "Start (2021-12-13T11:00:00+09:00, or 2021-12-13 for midnight KST); default six hours"
                        + " before --to.")
        Instant from;

        @Option(names = "--to", paramLabel = "INSTANT", description = "End, exclusive; default now.")
        Instant to;

        @Option(names = "--json", description = "JSON, as GET /api/v1/venues/{id}/compliance answers.")
        boolean json;

        Summary(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            Instant end = to != null ? to : context.clock().instant();
            Instant start = from != null ? from : end.minus(Duration.ofHours(6));
            if (!start.isBefore(end)) {
                throw new CliException("--from must be before --to");
            }
            if (Duration.between(start, end).compareTo(ComplianceService.MAX_PERIOD) > 0) {
                throw new CliException(
                        "--from and --to are at most " + ComplianceService.MAX_PERIOD.toDays() + " days apart");
            }
            PrintStream out = context.out();
            try (CentreServices services = centre.open(context)) {
                ComplianceService compliance = services.compliance();
                List<ComplianceService.DegradedInterval> degraded = compliance.degradedIntervals(start, end);
                if (venueId != null) {
                    var summary = compliance.summarise(venueId, start, end);
                    if (summary.isEmpty()) {
                        context.err().println("no venue '" + venueId + "'");
                        return 1;
                    }
                    if (json) {
                        out.println(ComplianceJson.of(summary.get(), degraded).toPrettyString());
                    } else {
                        print(out, summary.get());
                    }
                    return 0;
                }
                List<VenueCompliance> all = compliance.summariseAll(start, end);
                int flagged = 0;
                for (VenueCompliance v : all) {
                    if (json) {
                        out.println(ComplianceJson.of(v, degraded));
                    } else {
                        for (Finding f : v.findings()) {
                            out.println(v.venueId() + "\t" + f.code() + "\t" + f.detail());
                        }
                    }
                    flagged += v.findings().isEmpty() ? 0 : 1;
                }
                context.err()
                        .printf(
                                "%d venue(s), %d with findings, %s%n",
                                all.size(),
                                flagged,
                                degraded.isEmpty()
                                        ? "centre not degraded"
                                        : "centre degraded " + degraded.size() + " time(s)");
                return 0;
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
        }

        private static void print(PrintStream out, VenueCompliance v) {
            out.println("venue " + v.venueId() + " (" + v.registeredVenueType() + "), " + v.from() + " .. " + v.to());
            for (Map.Entry<String, Long> e : new java.util.TreeMap<>(v.checksByChannelAndVerdict()).entrySet()) {
                out.println("  " + e.getKey() + " " + e.getValue());
            }
            out.println("  denials " + v.denials() + "; centre degraded in the period: " + v.centreDegraded());
            if (v.findings().isEmpty()) {
                out.println("  no findings");
            }
            for (Finding f : v.findings()) {
                out.println("  " + f.code() + ": " + f.detail());
            }
        }
    }
}
