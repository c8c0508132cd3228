package io.checkpass.server.cli;

import io.checkpass.server.config.CheckpassConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "admin",
        mixinStandardHelpOptions = true,
        description = "Set up a new centre's first operator.",
        subcommands = {AdminCommand.Init.class, HelpCommand.class},
        footerHeading = CheckpassCli.EXAMPLES,
        footer = "  ./checkpass admin init")
final class AdminCommand {
    private AdminCommand() {}

    @Command(
            name = "init",
            mixinStandardHelpOptions = true,
            description = {
                "Make the first issuer-admin client of a new centre and print its secret once, with how to sign in.",
                "Refused (exit 1) once the centre has an enabled issuer-admin: further clients are made with",
                "'checkpass clients create', the console's Clients tab or POST /api/v1/clients."
            },
            footerHeading = CheckpassCli.EXAMPLES,
            footer = {"  ./checkpass admin init", "  ./checkpass admin init --id ops-kim --name '김 운영자'"})
    static final class Init implements Callable<Integer> {
        private final CliContext context;

        @Mixin
        CentreOptions centre;

        @Option(
                names = "--id",
                defaultValue = "admin",
                paramLabel = "ID",
                description = "The admin client's id (default ${DEFAULT-VALUE}).")
        String clientId;

        @Option(
                names = "--name",
                defaultValue = "Health-authority administrator",
                paramLabel = "NAME",
                description = "Its display name (default '${DEFAULT-VALUE}').")
        String name;

        Init(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            CheckpassConfig config = centre.config();
            var issued = ClientsCommand.administer(
                    context, centre, clients -> clients.initAdmin(ClientsCommand.actor(), clientId, name));
            context.out().println("센터 관리자(issuer-admin)를 만들었습니다. / Created the centre's first issuer-admin.");
            ClientsCommand.printIssued(context.out(), issued, config);
            context.out()
                    .println("next: sign in to the console's Clients tab, or run 'checkpass clients create' to add"
                            + " wallet providers, scanners and operators.");
            return 0;
        }
    }
}
