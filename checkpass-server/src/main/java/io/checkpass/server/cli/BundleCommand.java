package io.checkpass.server.cli;

import io.checkpass.core.codec.Json;
import io.checkpass.core.foreign.ForeignTrust;
import io.checkpass.core.pass.Serial;
import io.checkpass.core.rules.MedicalRules;
import io.checkpass.core.rules.VenueRules;
import io.checkpass.core.trust.IssuerKey;
import io.checkpass.core.trust.TrustBundle;
import io.checkpass.core.trust.TrustBundles;
import io.checkpass.server.keys.KeyDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "bundle",
        mixinStandardHelpOptions = true,
        description = "Build signed trust bundles.",
        subcommands = {BundleCommand.Build.class, HelpCommand.class},
        footerHeading = CheckpassCli.EXAMPLES,
        footer = {"  ./checkpass bundle build --keys demo-keys --out bundle.cose", "  ./checkpass bundle help build"})
final class BundleCommand {
    private BundleCommand() {}

    @Command(
            name = "build",
            mixinStandardHelpOptions = true,
            description = "Sign a trust bundle with the issuer key, the Korean venue rules and any revocations.",
            footerHeading = CheckpassCli.EXAMPLES,
            footer = {
                "  ./checkpass bundle build --keys demo-keys --out bundle.cose",
                "  ./checkpass bundle build --keys demo-keys --out bundle.cose \\",
                "      --revoke 0123456789abcdef01234567",
                "  ./checkpass trust import nzcp testdata/nzcp/spec-examples/valid/did.json \\",
                "      --into foreign.json",
                "  ./checkpass bundle build --keys demo-keys --foreign foreign.json \\",
                "      --out bundle.cose"
            })
    static final class Build implements Callable<Integer> {
        private final CliContext context;

        @Mixin
        KeyDirectoryOptions keys;

        @Option(
                names = "--revoke",
                paramLabel = "SERIAL",
                description = "A revoked serial (24 hex digits); repeat for more.")
        List<String> revoke = new ArrayList<>();

        @Option(
                names = "--issuer",
                defaultValue = "KR",
                paramLabel = "NAME",
                description = "Issuer name listed with the key (default: ${DEFAULT-VALUE}).")
        String issuer;

        @Option(
                names = "--bundle-version",
                paramLabel = "N",
                description = "Bundle version (default: the current time in epoch seconds).")
        Long version;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Bundle file to write.")
        Path out;

        @Option(
                names = "--foreign",
                paramLabel = "FOREIGN_JSON",
                description = "Foreign trust material to include (made by 'checkpass trust import').")
        Path foreign;

        Build(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws IOException {
            KeyDirectory keyDirectory = keys.open(context.es256());
            Set<Serial> revoked = new HashSet<>();
            for (String serial : revoke) {
                try {
                    revoked.add(Serial.parse(serial.trim().toLowerCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new CliException("--revoke " + serial + ": " + e.getMessage());
                }
            }
            ForeignTrust foreignTrust = foreign == null ? ForeignTrust.empty() : readForeign(foreign);
            var key = keyDirectory.issuer();
            var now = context.clock().instant();
            TrustBundle bundle = new TrustBundle(
                    version != null ? version : now.getEpochSecond(),
                    now,
                    List.of(new IssuerKey(key.id(), issuer, key.publicKey(), key.notBefore(), key.notAfter())),
                    revoked,
                    VenueRules.korea(),
                    foreignTrust.toJson(),
                    Optional.of(MedicalRules.korea()));
            byte[] signed = TrustBundles.sign(bundle, keyDirectory.bundle(), context.es256());
            Files.write(out, signed);
            context.out()
                    .println("bundle version " + bundle.version() + ", " + signed.length + " bytes, " + revoked.size()
                            + " revoked, " + foreignSummary(foreignTrust) + "signed by "
                            + keyDirectory.bundle().id());
            return 0;
        }

        private static ForeignTrust readForeign(Path file) {
            try {
                return ForeignTrust.fromJson(Json.parse(CliFiles.read(file, "foreign trust")));
            } catch (IllegalArgumentException e) {
                throw new CliException("foreign trust file " + file + ": " + e.getMessage());
            }
        }

        private static String foreignSummary(ForeignTrust trust) {
            int issuers = trust.dccSigners().size()
                    + trust.shcIssuers().size()
                    + trust.nzcpIssuers().size();
            return issuers == 0
                    ? ""
                    : trust.dccSigners().size() + " DCC signers, "
                            + trust.shcIssuers().size() + " SHC issuers, "
                            + trust.nzcpIssuers().size() + " NZCP issuers, ";
        }
    }
}
