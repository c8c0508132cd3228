package io.checkpass.server.cli;

import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.server.CentreStores;
import io.checkpass.server.registry.Registry;
import io.checkpass.server.registry.imports.CsvRegistryReader;
import io.checkpass.server.registry.imports.FhirRecordMapper;
import io.checkpass.server.registry.imports.FhirRegistryReader;
import io.checkpass.server.registry.imports.ImportItem;
import io.checkpass.server.registry.imports.RegistryReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = {
            "Import registry records from CSV or HL7 FHIR R4 (docs/import.md).",
            "Streams the file with a progress bar; each bad record is reported with its line or resource id; good ones are committed; "
                    + "re-importing changes nothing."
        },
        subcommands = {ImportCommand.Csv.class, ImportCommand.Fhir.class, picocli.CommandLine.HelpCommand.class},
        footerHeading = CheckpassCli.EXAMPLES,
        footer = {"  ./checkpass import csv examples/registry-sample.csv", "  ./checkpass import help csv"})
final class ImportCommand {
    private ImportCommand() {}

    /** A file of registry records in one format, imported into the centre's stores. */
    private abstract static class FileImport implements Callable<Integer> {
        private final CliContext context;

        @Mixin
        CentreOptions centre;

        @Parameters(paramLabel = "FILE", description = "The file to import.")
        Path file;

        FileImport(CliContext context) {
            this.context = context;
        }

        /** A reader of this format over the file's bytes. */
        abstract RegistryReader open(InputStream in);

        @Override
        public Integer call() throws IOException {
            return run(context, centre, file, this::open);
        }
    }

    @Command(
            name = "csv",
            mixinStandardHelpOptions = true,
            description = "Import a registry CSV (kind,person_id,... — see docs/import.md).",
            footerHeading = CheckpassCli.EXAMPLES,
            footer = "  ./checkpass import csv examples/registry-sample.csv")
    static final class Csv extends FileImport {
        Csv(CliContext context) {
            super(context);
        }

        @Override
        RegistryReader open(InputStream in) {
            return CsvRegistryReader.open(in);
        }
    }

    @Command(
            name = "fhir",
            mixinStandardHelpOptions = true,
            description = "Import an R4 Bundle (JSON) or NDJSON of Patient, Immunization and Observation resources.",
            footerHeading = CheckpassCli.EXAMPLES,
            footer = "  ./checkpass import fhir examples/registry-sample-fhir.json")
    static final class Fhir extends FileImport {
        private final FhirRecordMapper mapper = new FhirRecordMapper();

        Fhir(CliContext context) {
            super(context);
        }

        @Override
        RegistryReader open(InputStream in) {
            return FhirRegistryReader.open(mapper, in);
        }
    }

    @FunctionalInterface
    private interface ReaderFactory {
        RegistryReader open(InputStream in);
    }

    private record Located(RegistryRecord record, String location) {}

    private static int run(CliContext context, CentreOptions centre, Path file, ReaderFactory factory)
            throws IOException {
        long size;
        InputStream in;
        try {
            size = Files.size(file);
            in = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new CliException("import file " + file + " does not exist");
        }
        Map<Registry.Outcome, Long> counts = new EnumMap<>(Registry.Outcome.class);
        long rejected = 0;
        try (CentreStores stores = centre.openStores(context);
                RegistryReader reader = factory.open(in);
                ProgressBar bar = new ProgressBar(context.err(), "import " + file.getFileName(), size)) {
            List<Located> batch = new ArrayList<>();
            long reported = 0;
            while (reader.hasNext()) {
                ImportItem item = reader.next();
                switch (item) {
                    case ImportItem.Parsed parsed -> batch.add(new Located(parsed.record(), parsed.location()));
                    case ImportItem.Rejected bad -> {
                        rejected++;
                        context.err().println(file.getFileName() + " " + bad.location() + ": " + bad.problem());
                    }
                }
                if (batch.size() == 1000 || !reader.hasNext()) {
                    rejected += store(context, stores.registry(), batch, counts, file);
                    batch.clear();
                    bar.step(reader.bytesRead() - reported);
                    reported = reader.bytesRead();
                }
            }
            rejected += store(context, stores.registry(), batch, counts, file);
            stores.audit()
                    .record(
                            "cli",
                            "import",
                            file.toAbsolutePath().toString(),
                            Map.of(
                                    "inserted", counts.getOrDefault(Registry.Outcome.INSERTED, 0L),
                                    "updated", counts.getOrDefault(Registry.Outcome.UPDATED, 0L),
                                    "unchanged", counts.getOrDefault(Registry.Outcome.UNCHANGED, 0L),
                                    "rejected", rejected));
        }
        context.out()
                .printf(
                        "%s: %d inserted, %d updated, %d unchanged, %d rejected%n",
                        file.getFileName(),
                        counts.getOrDefault(Registry.Outcome.INSERTED, 0L),
                        counts.getOrDefault(Registry.Outcome.UPDATED, 0L),
                        counts.getOrDefault(Registry.Outcome.UNCHANGED, 0L),
                        rejected);
        // Good records are committed either way; a non-zero exit tells scripts that some need fixing.
        return rejected == 0 ? 0 : 1;
    }

    private static long store(
            CliContext context, Registry registry, List<Located> batch, Map<Registry.Outcome, Long> counts, Path file) {
        if (batch.isEmpty()) {
            return 0;
        }
        List<Registry.Outcome> outcomes =
                registry.upsert(batch.stream().map(Located::record).toList());
        long rejected = 0;
        for (int i = 0; i < outcomes.size(); i++) {
            Registry.Outcome outcome = outcomes.get(i);
            if (outcome == Registry.Outcome.UNKNOWN_PERSON) {
                rejected++;
                context.err()
                        .println(
                                file.getFileName() + " " + batch.get(i).location() + ": person '"
                                        + batch.get(i).record().personId()
                                        + "' is not in the registry; add a person row for them first (or earlier in the same file)");
            } else {
                counts.merge(outcome, 1L, Long::sum);
            }
        }
        return rejected;
    }
}
