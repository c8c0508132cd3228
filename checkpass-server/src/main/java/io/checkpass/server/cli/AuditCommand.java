package io.checkpass.server.cli;

import io.checkpass.server.CentreStores;
import io.checkpass.server.audit.AuditChain;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;

@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "Check the centre's audit log.",
        subcommands = {AuditCommand.Verify.class, HelpCommand.class},
        footerHeading = CheckpassCli.EXAMPLES,
        footer = "  ./checkpass audit verify")
final class AuditCommand {
    private AuditCommand() {}

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = {
                "Walk the audit log's hash chain and say whether every entry is as written and none is missing.",
                "Exit 0 when it is intact, 1 with the first broken entry otherwise."
            },
            footerHeading = CheckpassCli.EXAMPLES,
            footer = {"  ./checkpass audit verify", "  ./checkpass audit verify --data /tmp/checkpass-data"})
    static final class Verify implements Callable<Integer> {
        private final CliContext context;

        @Mixin
        CentreOptions centre;

        Verify(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            try (CentreStores stores = centre.openStores(context)) {
                return switch (stores.audit().verifyChain()) {
                    case AuditChain.Check.Intact intact -> {
                        context.out().println("audit log intact: " + intact.entries() + " chained entries");
                        yield 0;
                    }
                    case AuditChain.Check.Broken broken -> {
                        context.out().println("audit log BROKEN at entry " + broken.entryId() + ": " + broken.why());
                        yield 1;
                    }
                };
            }
        }
    }
}
