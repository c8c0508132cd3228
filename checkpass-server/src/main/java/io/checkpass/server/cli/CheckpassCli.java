package io.checkpass.server.cli;

import io.checkpass.core.crypto.Es256;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.time.Clock;
import java.time.Instant;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code checkpass} command line and its composition root: builds the clock and the crypto provider once
 * and hands them to each command through {@link CliContext}.
 *
 * <p>Errors a user can fix print one line on stderr ({@code checkpass: ...}) and exit 1; bad arguments exit 2.
 * Neither prints a stack trace.
 */
@Command(name = "checkpass",
        mixinStandardHelpOptions = true,
        versionProvider = CheckpassCli.Version.class,
        description = "Health passes: issue, present and verify offline; serve the centre.",
        subcommands = {KeysCommand.class, PassCommand.class, BundleCommand.class, VerifyCommand.class, ServeCommand.class,
                ImportCommand.class, IssueAheadCommand.class, TrustCommand.class, ConformanceCommand.class, VectorsCommand.class})
public final class CheckpassCli implements Runnable {
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
        CommandLine cli = new CommandLine(new CheckpassCli(context), new ContextFactory(context));
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        cli.registerConverter(Instant.class, new InstantConverter());
        cli.setParameterExceptionHandler((e, a) -> {
            String where = e.getCommandLine().getCommandSpec().qualifiedName();
            err.println(where + ": " + e.getMessage() + " (see '" + where + " --help')");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String where = commandLine.getCommandSpec().qualifiedName();
            if (e instanceof CliException || e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException
                    || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                err.println(where + ": " + e.getMessage());
            } else {
                err.println(where + ": unexpected error: " + e);
            }
            return 1;
        });
        return cli.execute(args);
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

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = CheckpassCli.class.getPackage().getImplementationVersion();
            return new String[] {"checkpass " + (version == null ? "(development build)" : version)};
        }
    }
}
