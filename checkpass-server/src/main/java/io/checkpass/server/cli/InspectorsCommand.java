package io.checkpass.server.cli;

import io.checkpass.core.time.IsoInstant;
import io.checkpass.server.CentreStores;
import io.checkpass.server.inspection.District;
import io.checkpass.server.inspection.DistrictReports;
import io.checkpass.server.inspection.InspectorScopes;
import io.checkpass.server.refusal.Refused;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "inspectors",
        mixinStandardHelpOptions = true,
        description = {
            "District inspectors (시·군·구 단속 공무원): create one scoped to a district, move one to another district,"
                    + " and the district reports (docs/operations.md, \"Inspectors\")."
        },
        subcommands = {
            InspectorsCommand.Create.class,
            InspectorsCommand.Assign.class,
            InspectorsCommand.Report.class,
            HelpCommand.class
        },
        footerHeading = CheckpassCli.EXAMPLES,
        footer = {
            "  ./checkpass inspectors create kim --district 11110 --district-name 종로구",
            "  ./checkpass inspectors assign kim --district 11140 --district-name 중구",
            "  ./checkpass inspectors report --from 2021-12-13 --to 2021-12-31"
        })
final class InspectorsCommand {
    private InspectorsCommand() {}

    static District district(String code, String name) {
        try {
            return new District(code, name);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    static InspectorScopes scopes(CentreStores stores) {
        return new InspectorScopes(stores.database().identity(), stores.clientAdministration(), stores.audit());
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Create an inspector scoped to a district and print its secret once.",
            footerHeading = CheckpassCli.EXAMPLES,
            footer = "  ./checkpass inspectors create kim --district 11110 --district-name 종로구")
    static final class Create implements Callable<Integer> {
        private final CliContext context;

        @Mixin
        CentreOptions centre;

        @Parameters(paramLabel = "ID", description = "Client id: 1..64 of a-z, 0-9, '.', '_', '-'.")
        String clientId;

        @Option(names = "--name", paramLabel = "NAME", description = "Display name (default: the id).")
        String name;

        @Option(names = "--district", required = true, paramLabel = "CODE", description = "5-digit 시·군·구 code.")
        String code;

        @Option(names = "--district-name", required = true, paramLabel = "NAME", description = "e.g. 종로구.")
        String districtName;

        Create(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            District district = district(code, districtName);
            try (CentreStores stores = centre.openStores(context)) {
                var issued = scopes(stores)
                        .create(ClientsCommand.actor(), clientId, name == null ? clientId : name, district);
                ClientsCommand.printIssued(context.out(), issued, centre.config());
                context.out()
                        .println("district: " + district.code() + " " + district.name()
                                + " — inspector page: http://HOST/inspector/");
            } catch (Refused refused) {
                throw new CliException(ClientsCommand.explain(refused.refusal()));
            }
            return 0;
        }
    }

    @Command(
            name = "assign",
            mixinStandardHelpOptions = true,
            description = "Scope an existing inspector to a district (or move it); audited.",
            footerHeading = CheckpassCli.EXAMPLES,
            footer = "  ./checkpass inspectors assign kim --district 11140 --district-name 중구")
    static final class Assign implements Callable<Integer> {
        private final CliContext context;

        @Mixin
        CentreOptions centre;

        @Parameters(paramLabel = "ID", description = "The inspector's client id.")
        String clientId;

        @Option(names = "--district", required = true, paramLabel = "CODE", description = "5-digit 시·군·구 code.")
        String code;

        @Option(names = "--district-name", required = true, paramLabel = "NAME", description = "e.g. 중구.")
        String districtName;

        Assign(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            District district = district(code, districtName);
            try (CentreStores stores = centre.openStores(context)) {
                scopes(stores).assign(ClientsCommand.actor(), clientId, district);
            } catch (Refused refused) {
                throw new CliException(ClientsCommand.explain(refused.refusal()));
            }
            context.out().println(clientId + ": district " + district.code() + " " + district.name());
            return 0;
        }
    }

    @Command(
            name = "report",
            mixinStandardHelpOptions = true,
            description = {
                "The district report as CSV: per district and day (KST), inspections, violations, fines and voids.",
                "Columns: district_code, district_name, day, inspections, user_violations, operator_violations,"
                        + " fines, fines_krw, voided, void_suggested."
            },
            footerHeading = CheckpassCli.EXAMPLES,
            footer = {
                "  ./checkpass inspectors report --from 2021-12-13 --to 2021-12-31",
                "  ./checkpass inspectors report --from 2021-12-13 --to 2021-12-19 --out r.csv"
            })
    static final class Report implements Callable<Integer> {
        private final CliContext context;

        @Mixin
        CentreOptions centre;

        @Option(names = "--from", required = true, paramLabel = "DAY", description = "First day, e.g. 2021-12-13.")
        String from;

        @Option(names = "--to", required = true, paramLabel = "DAY", description = "Last day (inclusive).")
        String to;

        @Option(names = "--district", paramLabel = "CODE", description = "One district (default: every district).")
        String district;

        @Option(names = "--out", paramLabel = "FILE", description = "Write the CSV here (default: standard output).")
        Path out;

        Report(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws IOException {
            LocalDate first;
            LocalDate last;
            Optional<String> only;
            try {
                first = IsoInstant.date(from);
                last = IsoInstant.date(to);
                only = Optional.ofNullable(district).map(District::checkCode);
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
            String csv;
            try (CentreStores stores = centre.openStores(context)) {
                csv = DistrictReports.csv(new DistrictReports(stores.database().identity())
                        .report(InspectorScopes.Scope.all(ClientsCommand.actor()), only, first, last));
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
            if (out == null) {
                context.out().print(csv);
            } else {
                Files.writeString(out, csv, StandardCharsets.UTF_8);
                context.out().println("wrote " + out);
            }
            return 0;
        }
    }
}
