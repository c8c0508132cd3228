package io.checkpass.server.cli;

import io.checkpass.core.rules.VenueType;
import io.checkpass.server.CentreStores;
import io.checkpass.server.inspection.VenueImport;
import io.checkpass.server.rules.PublishedRules;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        name = "venues",
        mixinStandardHelpOptions = true,
        description = "Register venues: their district, type and operator (docs/operations.md, \"Importing venues\").",
        subcommands = {VenuesCommand.Import.class, HelpCommand.class},
        footerHeading = CheckpassCli.EXAMPLES,
        footer = "  ./checkpass venues import examples/venues-sample.csv")
final class VenuesCommand {
    private VenuesCommand() {}

    @Command(
            name = "import",
            mixinStandardHelpOptions = true,
            description = {
                "Register or update venues from a venue CSV, with a progress bar.",
                "Each bad line is reported with its number, in Korean and English; every good line is committed; "
                        + "re-importing changes nothing. Exit 1 if any line was refused."
            },
            footerHeading = CheckpassCli.EXAMPLES,
            footer = "  ./checkpass venues import examples/venues-sample.csv")
    static final class Import implements Callable<Integer> {
        private final CliContext context;

        @Mixin
        CentreOptions centre;

        @Parameters(paramLabel = "FILE", description = "The venue CSV.")
        Path file;

        Import(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws IOException {
            long size;
            InputStream in;
            try {
                size = Files.size(file);
                in = Files.newInputStream(file);
            } catch (NoSuchFileException e) {
                throw new CliException("venue file " + file + " does not exist / 파일이 없습니다");
            }
            VenueImport.Result result;
            try (CentreStores stores = centre.openStores(context);
                    ProgressBar bar = new ProgressBar(context.err(), "venues " + file.getFileName(), size)) {
                Set<String> types = PublishedRules.open(stores.database().identity(), stores.audit(), context.clock())
                        .venue()
                        .venueTypes()
                        .keySet()
                        .stream()
                        .map(VenueType::code)
                        .collect(Collectors.toSet());
                long[] reported = {0};
                result = new VenueImport(stores.database().visits(), stores.visitsAudit())
                        .run(
                                ClientsCommand.actor(),
                                file.toAbsolutePath().toString(),
                                in,
                                types,
                                1,
                                (bytes, rows) -> {
                                    bar.step(bytes - reported[0]);
                                    reported[0] = bytes;
                                },
                                bad -> context.err()
                                        .println(file.getFileName() + " line " + bad.line() + ": "
                                                + bad.problem().ko() + " / "
                                                + bad.problem().en()));
            }
            context.out()
                    .printf(
                            "%s: %d inserted, %d updated, %d unchanged, %d rejected%n",
                            file.getFileName(),
                            result.inserted(),
                            result.updated(),
                            result.unchanged(),
                            result.rejected().size());
            // Good lines are committed either way; a non-zero exit tells scripts that some need fixing.
            return result.rejected().isEmpty() ? 0 : 1;
        }
    }
}
