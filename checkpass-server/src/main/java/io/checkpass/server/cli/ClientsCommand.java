package io.checkpass.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.server.CentreStores;
import io.checkpass.server.auth.ClientAdministration;
import io.checkpass.server.auth.Role;
import io.checkpass.server.auth.ScannerPairing;
import io.checkpass.server.config.CheckpassConfig;
import io.checkpass.server.refusal.Refusal;
import io.checkpass.server.refusal.Refused;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "clients",
        mixinStandardHelpOptions = true,
        description = {
            "Manage the centre's API clients (wallet providers, scanners, labs, operators...) on its database.",
            "Secrets are shown once and stored hashed. Every change is written to the audit log as cli:<OS user>.",
            "A running centre sees a rotation or a disablement within 5 s (docs/operations.md)."
        },
        subcommands = {
            ClientsCommand.Create.class,
            ClientsCommand.ListClients.class,
            ClientsCommand.Rotate.class,
            ClientsCommand.Disable.class,
            ClientsCommand.Enable.class,
            ClientsCommand.Pair.class,
            HelpCommand.class
        },
        footerHeading = CheckpassCli.EXAMPLES,
        footer = {
            "  ./checkpass clients create naver --name Naver --role wallet-provider",
            "  ./checkpass clients create door-1 --role scanner --venue venue-01",
            "  ./checkpass clients list",
            "  ./checkpass clients rotate naver",
            "  ./checkpass clients pair --venue venue-01"
        })
final class ClientsCommand {
    private ClientsCommand() {}

    /** The audit actor of a CLI change: the operating-system user who ran it. */
    static String actor() {
        return "cli:" + System.getProperty("user.name", "unknown");
    }

    /** Runs {@code action} on the centre's client administration; a refusal is a one-line error in Korean and English. */
    static <T> T administer(CliContext context, CentreOptions centre, Function<ClientAdministration, T> action) {
        try (CentreStores stores = centre.openStores(context)) {
            return action.apply(stores.clientAdministration());
        } catch (Refused refused) {
            throw new CliException(explain(refused.refusal()));
        }
    }

    static String explain(Refusal refusal) {
        String korean = switch (refusal) {
            case Refusal.ClientExists r -> "이미 있는 클라이언트 ID입니다";
            case Refusal.UnknownClient r -> "그런 클라이언트가 없습니다";
            case Refusal.ClientRejected r -> "클라이언트를 만들 수 없습니다";
            case Refusal.UnknownVenue r -> "등록되지 않은 시설입니다";
            case Refusal.AlreadyInitialised r -> null; // says it in both languages itself
            default -> "거부되었습니다";
        };
        return korean == null ? refusal.detail() : korean + " / " + refusal.detail();
    }

    /** Prints a new secret once, with how to use it. */
    static void printIssued(PrintStream out, ClientAdministration.Issued issued, CheckpassConfig config) {
        var client = issued.client();
        out.println("client: " + client.clientId() + " (" + roles(client) + ")"
                + client.venueId().map(v -> " at venue " + v).orElse(""));
        out.println("secret: " + issued.secret());
        out.println("비밀번호는 지금 한 번만 표시됩니다. 안전한 곳에 보관하세요. / The secret is shown this once: store it now.");
        out.println("HTTP: Authorization: " + basic(client.clientId(), issued.secret()) + "   (curl -u "
                + client.clientId() + ":SECRET ...)");
        if (client.roles().contains(Role.SCANNER)) {
            out.println("scanner page: http://HOST:" + config.server().port() + "/scanner/ — sign in with "
                    + client.clientId() + " and the secret");
        } else {
            out.println("console: http://HOST:" + config.server().port() + "/console/ — sign in with "
                    + client.clientId() + " and the secret");
        }
    }

    static String basic(String clientId, String secret) {
        return "Basic "
                + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    static String roles(ClientAdministration.Client client) {
        return String.join(",", client.roles().stream().map(Role::id).sorted().toList());
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = {
                "Create an API client and print its secret once.",
                "A scanner (--role scanner) is bound to the venue it serves (--venue) and holds no other role."
            },
            footerHeading = CheckpassCli.EXAMPLES,
            footer = {
                "  ./checkpass clients create naver --name Naver --role wallet-provider",
                "  ./checkpass clients create kim --name 김수진 --role tracer,auditor",
                "  ./checkpass clients create door-1 --role scanner --venue venue-01"
            })
    static final class Create implements Callable<Integer> {
        private final CliContext context;

        @Mixin
        CentreOptions centre;

        @Parameters(paramLabel = "ID", description = "Client id: 1..64 of a-z, 0-9, '.', '_', '-'.")
        String clientId;

        @Option(
                names = "--name",
                paramLabel = "NAME",
                description = "Display name (default: the id), e.g. the provider or the operator's name.")
        String name;

        @Option(
                names = "--role",
                required = true,
                split = ",",
                paramLabel = "ROLE",
                description = "Role(s): wallet-provider, scanner, lab, issuer-admin, tracer, auditor, monitoring,"
                        + " counter-clerk, inspector. Repeat or separate with commas.")
        List<String> roles;

        @Option(names = "--venue", paramLabel = "VENUE", description = "The venue a scanner serves (its venue id).")
        String venue;

        Create(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            CheckpassConfig config = centre.config();
            var issued = administer(
                    context,
                    centre,
                    clients -> clients.create(
                            actor(),
                            new ClientAdministration.NewClient(
                                    clientId,
                                    name == null ? clientId : name,
                                    ClientAdministration.roles(roles),
                                    Optional.ofNullable(venue))));
            printIssued(context.out(), issued, config);
            return 0;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List the API clients: id, roles, venue, state, name. Never a secret.",
            footerHeading = CheckpassCli.EXAMPLES,
            footer = {"  ./checkpass clients list", "  ./checkpass clients list --json"})
    static final class ListClients implements Callable<Integer> {
        private final CliContext context;

        @Mixin
        CentreOptions centre;

        @Option(names = "--json", description = "Print JSON (as GET /api/v1/clients answers) instead of a table.")
        boolean json;

        ListClients(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            var clients = administer(context, centre, ClientAdministration::list);
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                ObjectNode root = mapper.createObjectNode();
                ArrayNode list = root.putArray("clients");
                for (var c : clients) {
                    ObjectNode n = list.addObject()
                            .put("clientId", c.clientId())
                            .put("displayName", c.displayName())
                            .put("disabled", c.disabled())
                            .put("createdAt", c.createdAt().toString());
                    c.roles().stream().map(Role::id).sorted().forEach(n.putArray("roles")::add);
                    c.venueId().ifPresent(v -> n.put("venueId", v));
                }
                context.out().println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
                return 0;
            }
            String format = "%-24s %-28s %-12s %-8s %s%n";
            context.out().printf(format, "ID", "ROLES", "VENUE", "STATE", "NAME");
            for (var c : clients) {
                context.out()
                        .printf(
                                format,
                                c.clientId(),
                                roles(c),
                                c.venueId().orElse("-"),
                                c.disabled() ? "disabled" : "enabled",
                                c.displayName());
            }
            return 0;
        }
    }

    @Command(
            name = "pair",
            mixinStandardHelpOptions = true,
            description = {
                "Make a one-time code that pairs a door tablet with a venue: typed on the tablet's scanner page (or",
                "opened as /scanner/?pair=CODE), it makes the tablet a new scanner of the venue. Nobody sees a secret."
            },
            footerHeading = CheckpassCli.EXAMPLES,
            footer = "  ./checkpass clients pair --venue venue-01 --minutes 30")
    static final class Pair implements Callable<Integer> {
        private final CliContext context;

        @Mixin
        CentreOptions centre;

        @Option(names = "--venue", required = true, paramLabel = "VENUE", description = "The venue the tablet serves.")
        String venueId;

        @Option(
                names = "--minutes",
                defaultValue = "10",
                paramLabel = "N",
                description = "How long the code works, 1 to 1440 (default ${DEFAULT-VALUE}).")
        int minutes;

        Pair(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            ScannerPairing.Pairing made;
            try (CentreStores stores = centre.openStores(context)) {
                made = stores.scannerPairing().create(actor(), venueId, Duration.ofMinutes(minutes));
            } catch (Refused refused) {
                throw new CliException(explain(refused.refusal()));
            }
            context.out().println("연결 코드 · pairing code: " + made.code());
            context.out().println("  유효 · valid until " + made.expiresAt() + " (once)");
            context.out().println("  태블릿의 스캐너 화면에 입력하거나 · type it on the tablet's scanner page, or open");
            context.out().println("  <centre>/scanner/?pair=" + made.code());
            return 0;
        }
    }

    @Command(
            name = "rotate",
            mixinStandardHelpOptions = true,
            description = {
                "Give a client a new secret and print it once. The old secret stops working: at once on this",
                "database, within 5 s on a running centre."
            },
            footerHeading = CheckpassCli.EXAMPLES,
            footer = "  ./checkpass clients rotate naver")
    static final class Rotate implements Callable<Integer> {
        private final CliContext context;

        @Mixin
        CentreOptions centre;

        @Parameters(paramLabel = "ID", description = "The client's id.")
        String clientId;

        Rotate(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            CheckpassConfig config = centre.config();
            printIssued(context.out(), administer(context, centre, c -> c.rotate(actor(), clientId)), config);
            return 0;
        }
    }

    @Command(
            name = "disable",
            mixinStandardHelpOptions = true,
            description = {
                "Stop a client from authenticating (secret and scanner-page sessions); a running centre refuses it",
                "within 5 s. 'clients enable' undoes it."
            },
            footerHeading = CheckpassCli.EXAMPLES,
            footer = "  ./checkpass clients disable naver")
    static final class Disable implements Callable<Integer> {
        private final CliContext context;

        @Mixin
        CentreOptions centre;

        @Parameters(paramLabel = "ID", description = "The client's id.")
        String clientId;

        Disable(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            administer(context, centre, c -> c.setDisabled(actor(), clientId, true));
            context.out().println("disabled: " + clientId + " (사용 중지됨)");
            return 0;
        }
    }

    @Command(
            name = "enable",
            mixinStandardHelpOptions = true,
            description = "Let a disabled client authenticate again, with the secret it had.",
            footerHeading = CheckpassCli.EXAMPLES,
            footer = "  ./checkpass clients enable naver")
    static final class Enable implements Callable<Integer> {
        private final CliContext context;

        @Mixin
        CentreOptions centre;

        @Parameters(paramLabel = "ID", description = "The client's id.")
        String clientId;

        Enable(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            administer(context, centre, c -> c.setDisabled(actor(), clientId, false));
            context.out().println("enabled: " + clientId + " (다시 사용 가능)");
            return 0;
        }
    }
}
