package io.checkpass.server.cli;

import io.checkpass.core.crypto.FilePermissions;
import io.checkpass.core.crypto.KeyId;
import io.checkpass.core.crypto.KeyStores;
import io.checkpass.core.crypto.Pem;
import io.checkpass.core.crypto.SigningKey;
import io.checkpass.server.CentreServices;
import io.checkpass.server.config.CheckpassConfig;
import io.checkpass.server.config.ConfigException;
import io.checkpass.server.config.ConfigLoader;
import io.checkpass.server.keys.KeyChangeRefused;
import io.checkpass.server.keys.KeyDirectory;
import io.checkpass.server.keys.KeyLifecycle;
import io.checkpass.server.keys.KeyRing;
import io.checkpass.server.keys.KeyVaults;
import io.checkpass.server.keys.Pkcs11Vault;
import io.checkpass.server.keys.SigningKeyRecord;
import java.io.Console;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        description = {
            "Make signing keys and holder device keys; rotate, roll over and revoke the centre's keys.",
            "Rotation, rollover and revocation are audited and go out in the next trust bundle (docs/operations.md,"
                    + " 'Rotating keys')."
        },
        subcommands = {
            KeysCommand.New.class,
            KeysCommand.Device.class,
            KeysCommand.ListKeys.class,
            KeysCommand.Rotate.class,
            KeysCommand.SwitchBundle.class,
            KeysCommand.Revoke.class,
            HelpCommand.class
        },
        footerHeading = CheckpassCli.EXAMPLES,
        footer = {
            "  ./checkpass keys new --out demo-keys --valid-from 2021-01-01",
            "  ./checkpass keys device --out phone.pem",
            "  ./checkpass keys list",
            "  ./checkpass keys rotate --actor ops-kim",
            "  ./checkpass keys rotate --bundle --switch-in P7D --actor ops-kim",
            "  ./checkpass keys revoke 0123456789abcdef --reason 'key leaked' --actor ops-kim",
            "  ./checkpass keys help rotate"
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

    /** Checks an {@code --actor}: it names the operator in the audit log. */
    static String actor(String actor) {
        if (actor == null || actor.isBlank() || actor.length() > 64) {
            throw new CliException("--actor must be 1..64 characters: it names the operator in the audit log"
                    + " / --actor는 1~64자여야 합니다 (감사 기록에 남는 운영자 이름)");
        }
        return "cli:" + actor;
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = {
                "List the centre's signing keys: kid, alias, role, window and state.",
                "Issuer states: current, scheduled, retired (still in bundles), expired, revoked.",
                "Bundle key states: current, announced, retired."
            },
            footerHeading = CheckpassCli.EXAMPLES,
            footer = "  ./checkpass keys list")
    static final class ListKeys implements Callable<Integer> {
        private final CliContext context;

        @Mixin
        CentreOptions centre;

        ListKeys(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            try (CentreServices services = centre.open(context)) {
                KeyRing ring = services.keys().reload();
                Instant now = context.clock().instant();
                context.out()
                        .printf(
                                "%-16s  %-10s  %-6s  %-20s  %-20s  %s%n",
                                "KID", "ALIAS", "ROLE", "FROM", "UNTIL", "STATE");
                for (SigningKeyRecord.KeyRole role : SigningKeyRecord.KeyRole.values()) {
                    for (SigningKeyRecord key : ring.of(role)) {
                        String until = role == SigningKeyRecord.KeyRole.ISSUER
                                ? key.windowEnd().toString()
                                : "-";
                        String state = ring.state(key, now)
                                + key.revokedAt()
                                        .map(at -> " at " + at + " by "
                                                + key.revokedBy().orElse("?"))
                                        .orElse("");
                        context.out()
                                .printf(
                                        "%-16s  %-10s  %-6s  %-20s  %-20s  %s%n",
                                        key.kid(), key.alias(), role.id(), key.activeFrom(), until, state);
                    }
                }
                context.out().println("keys in " + services.keys().describeVault());
            }
            return 0;
        }
    }

    @Command(
            name = "rotate",
            mixinStandardHelpOptions = true,
            description = {
                "Start a new issuer key: credentials issued from --at (default now) on are signed by it, on every node"
                        + " within seconds; what the old key signed verifies until it expires.",
                "With --bundle: generate the next bundle key and announce it in the bundle signed by the current"
                        + " one; from --switch-at (default now + --switch-in) bundles are signed by it, and scanners that"
                        + " fetched the announcement follow without a reinstall.",
                "Either way a trust bundle is published at once."
            },
            footerHeading = CheckpassCli.EXAMPLES,
            footer = {
                "  ./checkpass keys rotate --actor ops-kim",
                "  ./checkpass keys rotate --at 2022-01-10T00:00:00Z --actor ops-kim",
                "  ./checkpass keys rotate --bundle --switch-in P7D --actor ops-kim"
            })
    static final class Rotate implements Callable<Integer> {
        private final CliContext context;

        @Mixin
        CentreOptions centre;

        @Option(names = "--actor", required = true, description = "Who rotates, for the audit log.")
        String actor;

        @Option(
                names = "--bundle",
                description = "Roll over the bundle key (the trust anchor scanners pin) instead of the issuer key.")
        boolean bundle;

        @Option(
                names = "--at",
                paramLabel = "T",
                description = "Issuer key: when the new key starts signing (default now). A few minutes ahead lets"
                        + " every scanner fetch a bundle listing it first.")
        Instant at;

        @Option(
                names = "--switch-at",
                paramLabel = "T",
                description = "Bundle key: when bundles start being signed by the new key.")
        Instant switchAt;

        @Option(
                names = "--switch-in",
                defaultValue = "P7D",
                paramLabel = "DURATION",
                description = "Bundle key: how long after now the switch is, if --switch-at is not given (default"
                        + " ${DEFAULT-VALUE}): longer than any scanner stays offline.")
        Duration switchIn;

        Rotate(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            String who = actor(actor);
            Instant now = context.clock().instant();
            try (CentreServices services = centre.open(context)) {
                if (bundle) {
                    if (at != null) {
                        throw new CliException("--at is for the issuer key; the bundle key takes --switch-at");
                    }
                    Instant when = switchAt != null ? switchAt : now.plus(switchIn);
                    KeyLifecycle.Changed changed = services.keys().rolloverBundle(who, when);
                    SigningKeyRecord next = changed.successor().orElseThrow();
                    long version = services.bundles()
                            .publish("bundle key " + next.kid() + " announced")
                            .version();
                    context.out()
                            .println("bundle key " + next.kid() + " (alias " + next.alias()
                                    + ") announced in trust bundle"
                                    + " version " + version + "; it signs bundles from " + next.activeFrom()
                                    + " (bundle key " + changed.key().kid() + " until then)");
                } else {
                    if (switchAt != null) {
                        throw new CliException(
                                "--switch-at is for the bundle key (--bundle); the issuer key takes --at");
                    }
                    KeyLifecycle.Changed changed = services.keys().rotateIssuer(who, at != null ? at : now);
                    SigningKeyRecord fresh = changed.successor().orElseThrow();
                    long version = services.bundles()
                            .publish("issuer key " + fresh.kid() + " rotated in")
                            .version();
                    context.out()
                            .println("issuer key " + fresh.kid() + " (alias " + fresh.alias() + ") signs credentials"
                                    + " issued from " + fresh.activeFrom() + "; trust bundle version " + version);
                    if (!changed.key().kid().equals(fresh.kid())) {
                        context.out()
                                .println("issuer key " + changed.key().kid() + " signs until " + fresh.activeFrom()
                                        + " and stays in bundles until "
                                        + fresh.activeFrom()
                                                .plus(services.keys().maxCredentialLifetime()));
                    }
                }
                return 0;
            } catch (KeyChangeRefused e) {
                context.err().println("refused: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(
            name = "switch-bundle",
            mixinStandardHelpOptions = true,
            description = {
                "Switch to the announced bundle key now instead of at its announced instant, and publish a bundle"
                        + " signed by it.",
                "Only scanners that fetched a bundle with the announcement follow; run it once they all have."
            },
            footerHeading = CheckpassCli.EXAMPLES,
            footer = "  ./checkpass keys switch-bundle --actor ops-kim")
    static final class SwitchBundle implements Callable<Integer> {
        private final CliContext context;

        @Mixin
        CentreOptions centre;

        @Option(names = "--actor", required = true, description = "Who switches, for the audit log.")
        String actor;

        SwitchBundle(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            String who = actor(actor);
            try (CentreServices services = centre.open(context)) {
                KeyLifecycle.Changed changed = services.keys().switchBundleNow(who, services.bundles()::announces);
                SigningKeyRecord next = changed.successor().orElseThrow();
                long version = services.bundles()
                        .publish("bundle key switched to " + next.kid())
                        .version();
                context.out()
                        .println("trust bundle version " + version + " is signed by bundle key " + next.kid() + " (was "
                                + changed.key().kid() + ")");
                return 0;
            } catch (KeyChangeRefused e) {
                context.err().println("refused: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(
            name = "revoke",
            mixinStandardHelpOptions = true,
            description = {
                "Compromise drill: revoke an issuer key. Every credential it signed is refused from the next trust"
                        + " bundle on (ISSUER_KEY_REVOKED); wallets get new ones at their next refresh.",
                "If it is the current key, a new one takes over at once. Asks for confirmation unless --yes."
            },
            footerHeading = CheckpassCli.EXAMPLES,
            footer = "  ./checkpass keys revoke 0123456789abcdef --reason 'key leaked' --actor ops-kim")
    static final class Revoke implements Callable<Integer> {
        private final CliContext context;

        @Mixin
        CentreOptions centre;

        @Parameters(paramLabel = "KID", description = "The issuer key id (16 hex digits, as 'keys list' shows).")
        String kid;

        @Option(names = "--actor", required = true, description = "Who revokes, for the audit log.")
        String actor;

        @Option(names = "--reason", required = true, description = "Why, for the audit log.")
        String reason;

        @Option(names = "--yes", description = "Do not ask for confirmation.")
        boolean yes;

        Revoke(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            String who = actor(actor);
            KeyId id;
            try {
                id = KeyId.parse(kid);
            } catch (IllegalArgumentException e) {
                throw new CliException("'" + kid + "' is not a key id: 16 hex digits, as 'checkpass keys list' shows"
                        + " / 키 ID는 16자리 16진수입니다");
            }
            if (reason.isBlank() || reason.length() > 200) {
                throw new CliException("--reason must be 1..200 characters / --reason은 1~200자여야 합니다");
            }
            if (!yes) {
                Console console = System.console();
                if (console == null) {
                    throw new CliException("revoking a key refuses every credential it signed: confirm with --yes"
                            + " / 키를 폐기하면 그 키로 서명된 모든 패스가 거부됩니다: --yes로 확인하세요");
                }
                String answer = console.readLine(
                        "Revoke issuer key %s? Every credential it signed will be refused. / 폐기할까요? Type the key id to confirm: ",
                        id);
                if (answer == null || !answer.strip().equalsIgnoreCase(id.hex())) {
                    context.err().println("not revoked / 폐기하지 않았습니다");
                    return 1;
                }
            }
            try (CentreServices services = centre.open(context)) {
                KeyLifecycle.Changed changed = services.keys().revoke(who, id, reason);
                long version = services.bundles()
                        .publish("issuer key " + id + " revoked")
                        .version();
                context.out()
                        .println("issuer key " + id + " revoked; trust bundle version " + version
                                + " lists it as revoked");
                changed.successor()
                        .ifPresent(next -> context.out()
                                .println("issuer key " + next.kid() + " (alias " + next.alias()
                                        + ") took over at once"));
                return 0;
            } catch (KeyChangeRefused e) {
                context.err().println("refused: " + e.getMessage());
                return 1;
            }
        }
    }
}
