package io.checkpass.server.cli;

import io.checkpass.conformance.qr.QrCodes;
import io.checkpass.core.codec.CoseSign1;
import io.checkpass.core.pass.Credentials;
import io.checkpass.core.pass.DisplayHint;
import io.checkpass.core.pass.HolderDevice;
import io.checkpass.core.pass.IssuedCredential;
import io.checkpass.core.pass.PassFormat;
import io.checkpass.core.pass.PassIssuer;
import io.checkpass.core.pass.PassRequest;
import io.checkpass.core.pass.PassStatus;
import io.checkpass.core.pass.Presentation;
import io.checkpass.server.keys.KeyDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

@Command(
        name = "pass",
        mixinStandardHelpOptions = true,
        description = "Issue and present native passes.",
        subcommands = {PassCommand.Issue.class, PassCommand.Present.class, HelpCommand.class},
        footerHeading = CheckpassCli.EXAMPLES,
        footer = {
            "  ./checkpass pass issue --keys demo-keys --status tested --from 2021-12-13 \\",
            "      --name 김철수 --birth-year 1990 --static --out paper.json \\",
            "      --at 2021-12-13T11:00:00+09:00",
            "  ./checkpass pass present --pass paper.json",
            "  ./checkpass pass help issue"
        })
final class PassCommand {

    static final class StatusConverter implements ITypeConverter<PassStatus> {
        @Override
        public PassStatus convert(String value) {
            try {
                return PassStatus.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    @Command(
            name = "issue",
            mixinStandardHelpOptions = true,
            description = "Sign a credential; prints its serial.",
            footerHeading = CheckpassCli.EXAMPLES,
            footer = {
                "  # a pass bound to the holder's phone key (from 'checkpass keys device')",
                "  ./checkpass pass issue --keys demo-keys --status vaccinated \\",
                "      --from 2021-10-01 --until 2022-06-30 --name 홍길동 --birth-year 1985 \\",
                "      --device-key phone.pem --at 2021-12-13T11:00:00+09:00 --out pass.json",
                "  # a static (paper) pass: verifies as CHECK_ID",
                "  ./checkpass pass issue --keys demo-keys --status tested --from 2021-12-13 \\",
                "      --name 김철수 --birth-year 1990 --static --out paper.json \\",
                "      --at 2021-12-13T11:00:00+09:00"
            })
    static final class Issue implements Callable<Integer> {
        private final CliContext context;

        @Mixin
        KeyDirectoryOptions keys;

        @Option(
                names = "--status",
                required = true,
                paramLabel = "STATUS",
                converter = StatusConverter.class,
                description = "vaccinated, tested, recovered, exempt, minor or unvaccinated.")
        PassStatus status;

        @Option(names = "--from", required = true, paramLabel = "T", description = "When the status starts to hold.")
        Instant from;

        @Option(
                names = "--until",
                paramLabel = "T",
                description = "When the status stops holding (omit for open-ended).")
        Instant until;

        @Option(
                names = "--name",
                required = true,
                paramLabel = "NAME",
                description = "Holder's name; only its masked form is written.")
        String name;

        @Option(names = "--birth-year", required = true, paramLabel = "YEAR", description = "Holder's birth year.")
        int birthYear;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Binding binding;

        static final class Binding {
            @Option(
                    names = "--device-key",
                    paramLabel = "PEM",
                    description = "Bind to this device key (PEM from 'checkpass keys device').")
            Path deviceKey;

            @Option(names = "--static", description = "A static pass with no device key (paper); verifies as CHECK_ID.")
            boolean staticPass;
        }

        @Option(names = "--at", paramLabel = "T", description = "Issued-at (default: now).")
        Instant at;

        @Option(
                names = "--lifetime",
                defaultValue = "PT48H",
                paramLabel = "DURATION",
                description = "Credential lifetime, ISO-8601 (default: ${DEFAULT-VALUE}).")
        Duration lifetime;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Credential file to write (JSON).")
        Path out;

        Issue(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws IOException {
            var es256 = context.es256();
            KeyDirectory keyDirectory = keys.open(es256);
            PassRequest request;
            try {
                request = new PassRequest(
                        status,
                        from,
                        Optional.ofNullable(until),
                        DisplayHint.of(name, birthYear),
                        binding.deviceKey == null
                                ? Optional.empty()
                                : Optional.of(DeviceKeyFile.publicKey(binding.deviceKey, es256)));
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
            PassIssuer issuer = new PassIssuer(keyDirectory.issuer(), es256, new SecureRandom());
            IssuedCredential issued =
                    issuer.issue(request, at != null ? at : context.clock().instant(), lifetime);
            CredentialFile.write(out, issued);
            context.out().println(issued.claims().serial().hex());
            return 0;
        }
    }

    @Command(
            name = "present",
            mixinStandardHelpOptions = true,
            description =
                    "Print the QR text of a credential, signed by the device now (or --at); --png writes the QR image.",
            footerHeading = CheckpassCli.EXAMPLES,
            footer = {
                "  ./checkpass pass present --pass pass.json --device-key phone.pem \\",
                "      --at 2021-12-13T12:00:00+09:00 --png qr.png",
                "  ./checkpass pass present --pass paper.json"
            })
    static final class Present implements Callable<Integer> {
        private final CliContext context;

        @Option(
                names = "--pass",
                required = true,
                paramLabel = "FILE",
                description = "Credential file from 'checkpass pass issue'.")
        Path pass;

        @Option(
                names = "--device-key",
                paramLabel = "PEM",
                description = "The holder's device key; required for a device-bound pass.")
        Path deviceKey;

        @Option(names = "--at", paramLabel = "T", description = "Presentation time (default: now).")
        Instant at;

        @Option(names = "--png", paramLabel = "FILE", description = "Also write the QR code as a PNG image.")
        Path png;

        Present(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws IOException {
            byte[] credential = CredentialFile.read(pass);
            if (credential.length > PassFormat.MAX_CREDENTIAL_BYTES) {
                throw new CliException(
                        pass + " holds a credential larger than " + PassFormat.MAX_CREDENTIAL_BYTES + " bytes");
            }
            boolean deviceBound;
            try {
                CoseSign1 cose = CoseSign1.decode(
                        credential, PassFormat.MAX_PROTECTED_HEADER_BYTES, PassFormat.MAX_CREDENTIAL_BYTES);
                deviceBound = Credentials.decodeClaims(cose.payload(), context.es256())
                        .deviceBound();
            } catch (IllegalArgumentException e) {
                throw new CliException(pass + " does not hold a readable credential: " + e.getMessage());
            }
            if (deviceBound && deviceKey == null) {
                throw new CliException(pass + " is bound to a device: give the holder's --device-key");
            }
            if (!deviceBound && deviceKey != null) {
                throw new CliException(pass + " is a static pass: it is presented without --device-key");
            }
            Presentation presentation;
            if (deviceKey != null) {
                var holder = new HolderDevice(DeviceKeyFile.privateKey(deviceKey, context.es256()), context.es256());
                presentation = holder.present(
                        credential, at != null ? at : context.clock().instant());
            } else {
                presentation = Presentation.ofStatic(credential);
            }
            String text = presentation.toText();
            if (png != null) {
                Files.write(png, QrCodes.png(text, 6));
            }
            context.out().println(text);
            return 0;
        }
    }

    private PassCommand() {}
}
