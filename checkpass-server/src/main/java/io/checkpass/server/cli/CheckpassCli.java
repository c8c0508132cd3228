package io.checkpass.server.cli;

import io.checkpass.core.crypto.Es256;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IHelpSectionRenderer;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The {@code checkpass} command line and its composition root: builds the clock and the crypto provider once
 * and hands them to each command through {@link CliContext}.
 *
 * <p>Errors a user can fix print one line on stderr ({@code checkpass: ...}) and exit 1; bad arguments exit 2.
 * Neither prints a stack trace.
 *
 * <p>Every command has {@code -h/--help}, a description of each option and an Examples footer that works as printed
 * from the repository root; commands with subcommands also have {@code help CMD}. {@code CliHelpTest} walks the tree
 * and fails for a command without them.
 */
@Command(
        name = "checkpass",
        mixinStandardHelpOptions = true,
        versionProvider = CheckpassCli.Version.class,
        description = "Health passes: issue, present and verify offline; serve the centre.",
        subcommands = {
            KeysCommand.class,
            PassCommand.class,
            BundleCommand.class,
            VerifyCommand.class,
            ServeCommand.class,
            ImportCommand.class,
            IssueAheadCommand.class,
            AuditCommand.class,
            ComplianceCommand.class,
            AdminCommand.class,
            ClientsCommand.class,
            RulesCommand.class,
            TrustCommand.class,
            ConformanceCommand.class,
            VectorsCommand.class,
            PushCommand.class,
            CompletionCommand.class,
            VenuesCommand.class,
            InspectorsCommand.class,
            HelpCommand.class
        },
        footerHeading = CheckpassCli.EXAMPLES,
        footer = {
            "  ./checkpass serve --demo",
            "  ./checkpass keys new --out demo-keys --valid-from 2021-01-01",
            "  ./checkpass help pass",
            "  ./checkpass pass issue --help",
            "  source <(./checkpass completion)"
        })
public final class CheckpassCli implements Runnable {
    /** The heading of every command's Examples footer; the lines below it work as printed from the repository root. */
    static final String EXAMPLES = "%nExamples:%n";

    private final CliContext context;

    public CheckpassCli(CliContext context) {
        this.context = context;
    }

    @Override
    public void run() {
        throw new CliException("name a command; 'checkpass --help' lists them");
    }

    public static void main(String[] args) {
        System.exit(run(args, Clock.systemUTC(), System.out, System.err));
    }

    /** Runs the CLI; returns the exit code. Tests call this with their own clock and streams. */
    public static int run(String[] args, Clock clock, PrintStream out, PrintStream err) {
        CliContext context = new CliContext(clock, Es256::select, out, err);
        CommandLine cli = commandLine(context);
        cli.setParameterExceptionHandler((e, a) -> {
            String where = e.getCommandLine().getCommandSpec().qualifiedName();
            err.println(where + ": " + e.getMessage() + " (see '" + where + " --help')");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String where = commandLine.getCommandSpec().qualifiedName();
            if (e instanceof CliException
                    || e instanceof IOException
                    || e instanceof UncheckedIOException
                    || e instanceof IllegalArgumentException
                    || e instanceof IllegalStateException) {
                err.println(where + ": " + e.getMessage());
            } else {
                err.println(where + ": unexpected error: " + e);
            }
            return 1;
        });
        return cli.execute(args);
    }

    /** The command tree, printing to the context's streams. */
    static CommandLine commandLine(CliContext context) {
        CommandLine cli = new CommandLine(new CheckpassCli(context), new ContextFactory(context));
        cli.setOut(new PrintWriter(context.out(), true));
        cli.setErr(new PrintWriter(context.err(), true));
        cli.registerConverter(Instant.class, new InstantConverter());
        Version version = new Version();
        forEachCommand(cli, command -> {
            // 'checkpass keys new --version' answers as 'checkpass --version' does (picocli's own commands included).
            command.getCommandSpec().versionProvider(version);
            // The Examples footer is the last section of a help; picocli ends it without a line break.
            Map<String, IHelpSectionRenderer> sections = command.getHelpSectionMap();
            IHelpSectionRenderer footer = sections.get(UsageMessageSpec.SECTION_KEY_FOOTER);
            sections.put(UsageMessageSpec.SECTION_KEY_FOOTER, help -> {
                String text = footer.render(help);
                return text.isEmpty() || text.endsWith("\n") ? text : text + System.lineSeparator();
            });
            command.setHelpSectionMap(sections);
        });
        return cli;
    }

    /** Calls {@code action} for {@code command} and each of its subcommands, to any depth. */
    private static void forEachCommand(CommandLine command, Consumer<CommandLine> action) {
        action.accept(command);
        command.getSubcommands().values().forEach(sub -> forEachCommand(sub, action));
    }

    /** Builds commands that take a {@link CliContext} in their constructor. */
    private record ContextFactory(CliContext context) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                if (constructor.getParameterCount() == 1 && constructor.getParameterTypes()[0] == CliContext.class) {
                    constructor.setAccessible(true);
                    return type.cast(constructor.newInstance(context));
                }
            }
            return CommandLine.defaultFactory().create(type);
        }
    }

    /** The Maven project version, which the build writes into {@code checkpass-version.properties} (resource filtering). */
    static final class Version implements CommandLine.IVersionProvider {
        static final String RESOURCE = "checkpass-version.properties";

        @Override
        public String[] getVersion() {
            return new String[] {"checkpass " + version()};
        }

        static String version() {
            try (InputStream in = CheckpassCli.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    return "(unknown version: " + RESOURCE + " is missing; build with ./mvnw)";
                }
                Properties properties = new Properties();
                properties.load(in);
                return properties.getProperty("version", "(unknown version)");
            } catch (IOException e) {
                return "(unknown version: " + e.getMessage() + ")";
            }
        }
    }
}
