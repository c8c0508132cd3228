package io.checkpass.server.cli;

import io.checkpass.core.crypto.FilePermissions;
import io.checkpass.core.crypto.KeyStores;
import io.checkpass.core.crypto.Pem;
import io.checkpass.core.crypto.SigningKey;
import io.checkpass.server.config.CheckpassConfig;
import io.checkpass.server.config.ConfigException;
import io.checkpass.server.config.ConfigLoader;
import io.checkpass.server.keys.KeyDirectory;
import io.checkpass.server.keys.KeyVaults;
import io.checkpass.server.keys.Pkcs11Vault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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
                "Generate an issuer key and a trust-bundle key into a key directory,",
                "or with --pkcs11 into the HSM that checkpass.yaml names (keys.pkcs11.*).",
                "DIR/bundle.pub.pem is the trust anchor scanners pin."
            },
            footerHeading = CheckpassCli.EXAMPLES,
            footer = {
                "  ./checkpass keys new --out demo-keys --valid-from 2021-01-01",
                "  ./checkpass keys new --out keys-2022 --valid-from 2022-01-01 \\",
                "      --valid-for P365D",
                "  ./checkpass keys new --pkcs11 --config checkpass.yaml --out anchors"
            })
    static final class New implements Callable<Integer> {
        private final CliContext context;

        @Option(
                names = "--out",
                paramLabel = "DIR",
                description = "Key directory to create (keys are never overwritten); with --pkcs11, where the"
                        + " public keys are written (optional).")
        Path out;

        @Option(
                names = "--pkcs11",
                description = "Generate the keys inside the HSM of keys.pkcs11.* (sensitive, not extractable);"
                        + " PIN from $CHECKPASS_PKCS11_PIN or keys.pkcs11.pin-file.")
        boolean pkcs11;

        @Option(
                names = "--config",
                paramLabel = "FILE",
                description = "With --pkcs11: the YAML configuration naming the HSM (default ./data/checkpass.yaml).")
        Path config;

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
            if (pkcs11) {
                return inHsm(from);
            }
            if (out == null) {
                throw new CliException("--out DIR is required (or --pkcs11 for keys in an HSM)");
            }
            KeyDirectory keys = KeyDirectory.create(
                    out, context.es256(), from, validFor, KeyDirectory.externalPassword(passwordFile));
            context.out()
                    .println("issuer key " + keys.issuer().id() + ", bundle key "
                            + keys.bundle().id() + ", valid " + keys.issuer().notBefore() + " .. "
                            + keys.issuer().notAfter());
            context.out().println("trust anchor for scanners: " + out.resolve(KeyDirectory.BUNDLE_PUBLIC));
            return 0;
        }

        /** The issuer and bundle keys inside the configured token, under the aliases the centre opens. */
        private int inHsm(Instant from) throws IOException {
            CheckpassConfig.Pkcs11 settings;
            try {
                settings = ConfigLoader.load(config, System.getenv(), Map.of("keys.store", "pkcs11"))
                        .pkcs11()
                        .orElseThrow();
            } catch (ConfigException e) {
                throw new CliException(e.getMessage());
            }
            try (Pkcs11Vault vault = KeyVaults.openVault(settings, context.es256(), System.getenv())) {
                SigningKey issuer = vault.generate(KeyStores.ISSUER, "checkpass issuer", from, from.plus(validFor));
                SigningKey bundle =
                        vault.generate(KeyStores.BUNDLE, "checkpass trust bundle", from, from.plus(validFor));
                context.out()
                        .println("issuer key " + issuer.id() + ", bundle key " + bundle.id() + ", valid "
                                + issuer.notBefore() + " .. " + issuer.notAfter() + ", in the " + vault.describe());
                if (out != null) {
                    Files.createDirectories(out);
                    Files.writeString(out.resolve(KeyDirectory.ISSUER_PUBLIC), Pem.publicKey(issuer.publicKey()));
                    Files.writeString(out.resolve(KeyDirectory.BUNDLE_PUBLIC), Pem.publicKey(bundle.publicKey()));
                    context.out().println("trust anchor for scanners: " + out.resolve(KeyDirectory.BUNDLE_PUBLIC));
                }
            }
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
