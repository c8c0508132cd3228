package io.checkpass.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.checkpass.core.crypto.Es256;
import java.io.File;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Walks the whole command tree, so a command added without help fails here: every command answers {@code --help}
 * and {@code -h} with its usage, describes itself and each option, and shows examples that parse as printed;
 * {@code help CMD} works wherever there are subcommands; {@code --version} is the build's; {@code completion} prints
 * a script bash accepts.
 */
class CliHelpTest {
    static final Instant NOW = Instant.parse("2021-12-13T03:00:00Z");

    /** A command of the tree: the words after {@code checkpass} that reach it, and its picocli model. */
    record Cmd(List<String> path, CommandSpec spec) {
        String[] args(String... more) {
            return Stream.concat(path.stream(), Stream.of(more)).toArray(String[]::new);
        }

        boolean isPicocliHelp() {
            return spec.userObject() instanceof CommandLine.HelpCommand;
        }

        @Override
        public String toString() {
            return spec.qualifiedName();
        }
    }

    static CommandLine tree() {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        return CheckpassCli.commandLine(new CliContext(Clock.systemUTC(), Es256::select, nowhere, nowhere));
    }

    static List<Cmd> commands() {
        List<Cmd> all = new ArrayList<>();
        walk(tree(), List.of(), all);
        return all;
    }

    private static void walk(CommandLine command, List<String> path, List<Cmd> into) {
        into.add(new Cmd(path, command.getCommandSpec()));
        command.getSubcommands().forEach((name, sub) -> {
            List<String> subPath = new ArrayList<>(path);
            subPath.add(name);
            walk(sub, List.copyOf(subPath), into);
        });
    }

    static List<Cmd> commandsWithSubcommands() {
        return commands().stream()
                .filter(c -> !c.spec().subcommands().isEmpty())
                .toList();
    }

    @Test
    void the_walk_reaches_nested_commands_and_the_added_ones() {
        assertThat(commands())
                .extracting(Cmd::toString)
                .contains(
                        "checkpass",
                        "checkpass keys new",
                        "checkpass pass issue",
                        "checkpass import csv",
                        "checkpass trust import",
                        "checkpass keys help",
                        "checkpass help",
                        "checkpass completion");
    }

    @ParameterizedTest(name = "{0} --help")
    @MethodSource("commands")
    void every_command_answers_help_with_its_usage(Cmd command) {
        CliRun run = CliRun.of(NOW, command.args("--help"));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("Usage: " + command.spec().qualifiedName());
        assertThat(CliRun.of(NOW, command.args("-h")).out()).isEqualTo(run.out());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void every_command_describes_itself_and_each_option(Cmd command) {
        assertThat(command.spec().usageMessage().description())
                .as("description of %s", command)
                .isNotEmpty();
        assertThat(command.spec().usageMessage().description()[0])
                .as("first description line of %s", command)
                .isNotBlank();
        for (ArgSpec arg : command.spec().args()) {
            String name = arg.isOption()
                    ? ((CommandLine.Model.OptionSpec) arg).longestName()
                    : command + " " + arg.paramLabel();
            assertThat(String.join(" ", arg.description()))
                    .as("description of %s in %s", name, command)
                    .isNotBlank();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void every_command_shows_examples_that_parse_as_printed(Cmd command) {
        if (command.isPicocliHelp()) {
            return; // picocli's 'help' explains itself in its usage
        }
        String help = CliRun.of(NOW, command.args("--help")).ok().out();
        assertThat(help).as("help of %s", command).contains("\nExamples:\n");
        List<String> lines = help.substring(help.indexOf("\nExamples:\n") + "\nExamples:\n".length())
                .lines()
                .filter(line -> !line.isBlank())
                .toList();
        assertThat(lines).as("examples of %s", command).isNotEmpty();
        assertThat(lines)
                .as("example lines of %s are indented and not wrapped at the usage width", command)
                .allSatisfy(line -> assertThat(line).startsWith("  "));

        List<String> examples = joinContinuations(lines);
        assertThat(examples).as("examples of %s", command).isNotEmpty();
        for (String example : examples) {
            String invocation = example.startsWith("source <(")
                    ? example.substring("source <(".length(), example.length() - 1)
                    : example;
            assertThat(invocation).as("example of %s", command).startsWith("./checkpass ");
            if (invocation.contains("$(")) {
                continue; // a shell substitution supplies a value only the shell can compute
            }
            List<String> words = shellWords(invocation);
            String[] args = words.subList(1, words.size()).toArray(String[]::new);
            assertThatCode(() -> tree().parseArgs(args))
                    .as("example of %s: %s", command, example)
                    .doesNotThrowAnyException();
        }
    }

    /** Joins lines ending in a backslash with the next; drops comment lines. */
    static List<String> joinContinuations(List<String> lines) {
        List<String> commands = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : lines) {
            String line = raw.strip();
            if (current.isEmpty() && line.startsWith("#")) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
            } else {
                commands.add(current.append(line).toString());
                current.setLength(0);
            }
        }
        assertThat(current).as("an example ends in a backslash").isEmpty();
        return commands;
    }

    /** Splits like a POSIX shell does for the examples' needs: blanks, single and double quotes. */
    static List<String> shellWords(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        assertThat(quote).as("unclosed quote in %s", line).isEqualTo((char) 0);
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    @ParameterizedTest(name = "checkpass help {0}")
    @MethodSource("commandsWithSubcommands")
    void help_command_shows_what_help_option_shows(Cmd parent) {
        for (String child : parent.spec().subcommands().keySet()) {
            CliRun viaHelp = CliRun.of(NOW, parent.args("help", child)).ok();
            CliRun viaOption = CliRun.of(NOW, parent.args(child, "--help")).ok();
            assertThat(viaHelp.out()).as("%s help %s", parent, child).isEqualTo(viaOption.out());
        }
        assertThat(CliRun.of(NOW, parent.args("help")).ok().out())
                .isEqualTo(CliRun.of(NOW, parent.args("--help")).out());
    }

    @Test
    void version_is_the_one_the_build_gives_everywhere() throws Exception {
        // checkpass-server's version is its parent's (the reactor's); surefire runs in the module's folder.
        var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new File("pom.xml"));
        String expected = XPathFactory.newInstance().newXPath().evaluate("/project/parent/version", pom);
        assertThat(expected).isNotBlank();

        CliRun run = CliRun.of(NOW, "--version").ok();
        assertThat(run.out()).isEqualTo("checkpass " + expected + System.lineSeparator());
        assertThat(CliRun.of(NOW, "-V").ok().out()).isEqualTo(run.out());
        assertThat(CliRun.of(NOW, "keys", "new", "--version").ok().out()).isEqualTo(run.out());
        assertThat(CliRun.of(NOW, "completion", "--version").ok().out()).isEqualTo(run.out());
    }

    @Test
    void completion_prints_a_script_bash_loads(@TempDir Path dir) throws Exception {
        CliRun run = CliRun.of(NOW, "completion").ok();
        assertThat(run.out()).contains("complete -F", "checkpass", "issue-ahead", "--valid-from");

        Path script = Files.writeString(dir.resolve("checkpass-completion.bash"), run.out());
        Process bash = new ProcessBuilder(
                        "bash", "-c", "source \"$1\" && complete -p checkpass", "bash", script.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bash.exitValue()).as(output).isZero();
        assertThat(output).contains("checkpass");
    }

    @Test
    void a_usage_error_is_still_one_line_and_exit_2_pointing_at_help_that_works() {
        CliRun run = CliRun.of(NOW, "serve", "--nope");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip())
                .isEqualTo("checkpass serve: Unknown option: '--nope' (see 'checkpass serve --help')");
        CliRun.of(NOW, "serve", "--help").ok();
        assertThat(CliRun.of(NOW, "help", "nope").exitCode()).isEqualTo(2);
    }
}
