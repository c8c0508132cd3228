package io.checkpass.server.cli;

import io.checkpass.core.crypto.FilePermissions;
import io.checkpass.core.crypto.Pem;
import io.checkpass.server.keys.KeyDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Option;

@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        description = "Make signing keys and holder device keys.",
        subcommands = {KeysCommand.New.class, KeysCommand.Device.class, HelpCommand.class},
        footerHeading = CheckpassCli.EXAMPLES,
        footer = {
            "  ./checkpass keys new --out demo-keys --valid-from 2021-01-01",
            "  ./checkpass keys device --out phone.pem",
            "  ./checkpass keys help new"
        })
final class KeysCommand {

    @Command(
            name = "new",
            mixinStandardHelpOptions = true,
            description = {
                "Generate an issuer key and a trust-bundle key into a key directory.",
                "DIR/bundle.pub.pem is the trust anchor scanners pin."
            },
            footerHeading = CheckpassCli.EXAMPLES,
            footer = {
                "  ./checkpass keys new --out demo-keys --valid-from 2021-01-01",
                "  ./checkpass keys new --out keys-2022 --valid-from 2022-01-01 \\",
                "      --valid-for P365D"
            })
    static final class New implements Callable<Integer> {
        private final CliContext context;

        @Option(
                names = "--out",
                required = true,
                paramLabel = "DIR",
                description = "Key directory to create (keys are never overwritten).")
        Path out;

        @Option(names = "--valid-from", paramLabel = "T", description = "Start of the keys' validity (default: now).")
        Instant validFrom;

        @Option(
                names = "--valid-for",
                defaultValue = "P730D",
                paramLabel = "DURATION",
                description = "Validity as an ISO-8601 duration (default: ${DEFAULT-VALUE}).")
        Duration validFor;

        @Option(
                names = "--password-file",
                paramLabel = "FILE",
                description =
                        "Keystore password file; else $CHECKPASS_KEYSTORE_PASSWORD; else one is generated into DIR/keystore.password.")
        Path passwordFile;

        New(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws IOException {
            Instant from = validFrom != null ? validFrom : context.clock().instant();
            KeyDirectory keys = KeyDirectory.create(
                    out, context.es256(), from, validFor, KeyDirectory.externalPassword(passwordFile));
            context.out()
                    .println("issuer key " + keys.issuer().id() + ", bundle key "
                            + keys.bundle().id() + ", valid " + keys.issuer().notBefore() + " .. "
                            + keys.issuer().notAfter());
            context.out().println("trust anchor for scanners: " + out.resolve(KeyDirectory.BUNDLE_PUBLIC));
            return 0;
        }
    }

    @Command(
            name = "device",
            mixinStandardHelpOptions = true,
            description = "Generate a holder device key (PEM), as a wallet does, for demos and tests.",
            footerHeading = CheckpassCli.EXAMPLES,
            footer = "  ./checkpass keys device --out phone.pem")
    static final class Device implements Callable<Integer> {
        private final CliContext context;

        @Option(
                names = "--out",
                required = true,
                paramLabel = "FILE",
                description = "PEM file to write (private and public key).")
        Path out;

        Device(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws IOException {
            if (Files.exists(out)) {
                throw new CliException(out + " already exists; device keys are never overwritten");
            }
            KeyPair pair = context.es256().generateKeyPair();
            ECPrivateKey privateKey = context.es256().importPrivate(pair.getPrivate());
            Files.writeString(out, Pem.privateKey(privateKey) + Pem.publicKey((ECPublicKey) pair.getPublic()));
            FilePermissions.ownerOnly(out);
            context.out().println("device key written to " + out);
            return 0;
        }
    }
}
