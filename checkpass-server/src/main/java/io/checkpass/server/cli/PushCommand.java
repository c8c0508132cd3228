package io.checkpass.server.cli;

import io.checkpass.server.notify.push.VapidKeys;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Option;

@Command(
        name = "push",
        mixinStandardHelpOptions = true,
        description = "Web Push to wallets (docs/operations.md, \"Web Push\").",
        subcommands = {PushCommand.Keys.class, HelpCommand.class},
        footerHeading = CheckpassCli.EXAMPLES,
        footer = "  ./checkpass push keys --out /etc/checkpass/vapid.pem")
final class PushCommand {
    private PushCommand() {}

    @Command(
            name = "keys",
            mixinStandardHelpOptions = true,
            description = {
                "Make the centre's VAPID key (RFC 8292): a P-256 private key in a PKCS#8 PEM file, readable by its"
                        + " owner only. Name it in push.vapid-key. Prints the public key wallets subscribe with.",
                "Never overwrites a key: wallets subscribed with the old one would receive nothing from the new one."
            },
            footerHeading = CheckpassCli.EXAMPLES,
            footer = {"  ./checkpass push keys --out /etc/checkpass/vapid.pem"})
    static final class Keys implements Callable<Integer> {
        private final CliContext context;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the PEM file.")
        Path out;

        Keys(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws IOException {
            String publicKey;
            try {
                publicKey = VapidKeys.generate(out, context.es256());
            } catch (FileAlreadyExistsException e) {
                throw new CliException(out + " exists; a VAPID key is never overwritten (wallets subscribed with it)."
                        + " Choose another --out, or delete the file if no wallet subscribed yet");
            }
            context.out().println("VAPID key written to " + out + " (0600). Set push.vapid-key: " + out);
            context.out().println("applicationServerKey: " + publicKey);
            return 0;
        }
    }
}
