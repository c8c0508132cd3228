package io.checkpass.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.core.rules.Decree;
import io.checkpass.core.rules.RulesFormatException;
import io.checkpass.server.CentreServices;
import io.checkpass.server.refusal.Refused;
import io.checkpass.server.rules.PublishedRules;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "rules",
        mixinStandardHelpOptions = true,
        description = {
            "Publish decrees to a running centre: venue and medical rule sets as data (docs/rules.md).",
            "A decree takes force in the future, or is marked as a correction; each publication is versioned, audited and goes out in the next trust bundle."
        },
        subcommands = {
            RulesCommand.Diff.class,
            RulesCommand.Publish.class,
            RulesCommand.History.class,
            HelpCommand.class
        },
        footerHeading = CheckpassCli.EXAMPLES,
        footer = {"  ./checkpass rules diff docs/examples/2021-12-13-not-enforced.json", "  ./checkpass rules history"})
final class RulesCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RulesCommand() {}

    static Decree read(Path file) {
        String text = new String(CliFiles.read(file, "decree"), StandardCharsets.UTF_8);
        try {
            return Decree.parse(JSON.readTree(text));
        } catch (JsonProcessingException e) {
            throw new CliException("decree file " + file + " is not JSON: " + e.getOriginalMessage());
        } catch (RulesFormatException e) {
            throw new CliException("decree file " + file + ": " + e.getMessage());
        }
    }

    static void print(PrintStream out, PublishedRules.Preview p) {
        out.println(p.kind().id() + " rule set " + p.ruleSetId() + " takes force at " + p.effectiveFrom()
                + p.replaces().map(id -> ", replacing the published " + id).orElse("")
                + p.previous().map(id -> "; in force before it: " + id).orElse(""));
        p.correction().ifPresent(why -> out.println("correction: " + why));
        for (String change : p.changes()) {
            out.println("  " + change);
        }
    }

    @Command(
            name = "diff",
            mixinStandardHelpOptions = true,
            description = {
                "Check a decree against the published rules and show what it would change, without publishing it.",
                "Exit 0 if it would be accepted, 1 with the reason if not."
            },
            footerHeading = CheckpassCli.EXAMPLES,
            footer = "  ./checkpass rules diff docs/examples/2021-12-13-not-enforced.json")
    static final class Diff implements Callable<Integer> {
        private final CliContext context;

        @Mixin
        CentreOptions centre;

        @Parameters(
                paramLabel = "FILE",
                description = "The decree: {\"kind\": \"venue\"|\"medical\", \"ruleSet\": {...}}.")
        Path file;

        Diff(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            Decree decree = read(file);
            try (CentreServices services = centre.open(context)) {
                print(context.out(), services.rules().preview(decree));
                return 0;
            } catch (Refused e) {
                context.err().println("rejected: " + e.refusal().detail());
                return 1;
            }
        }
    }

    @Command(
            name = "publish",
            mixinStandardHelpOptions = true,
            description = {
                "Publish a decree: validate it, store it as the next version of its rules, audit it, and publish a trust bundle with it.",
                "Running centres pick it up within 15 s; scanners at their next bundle refresh."
            },
            footerHeading = CheckpassCli.EXAMPLES,
            footer = {
                "  ./checkpass rules publish --actor ops-kim \\",
                "      docs/examples/2021-12-13-not-enforced.json"
            })
    static final class Publish implements Callable<Integer> {
        private final CliContext context;

        @Mixin
        CentreOptions centre;

        @Parameters(
                paramLabel = "FILE",
                description = "The decree: {\"kind\": \"venue\"|\"medical\", \"ruleSet\": {...}}.")
        Path file;

        @Option(
                names = "--actor",
                required = true,
                description = "Who publishes it, for the audit log (an operator's name or id).")
        String actor;

        Publish(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            if (actor.isBlank() || actor.length() > 64) {
                throw new CliException("--actor must be 1..64 characters: it names the publisher in the audit log");
            }
            Decree decree = read(file);
            try (CentreServices services = centre.open(context)) {
                PublishedRules.Announced announced = services.publishDecree("cli:" + actor, decree);
                print(context.out(), announced.published().preview());
                context.out()
                        .println("published as " + decree.kind().id() + " rules version "
                                + announced.published().version() + ", in trust bundle version "
                                + announced.bundleVersion());
                return 0;
            } catch (Refused e) {
                context.err().println("rejected: " + e.refusal().detail());
                return 1;
            }
        }
    }

    @Command(
            name = "history",
            mixinStandardHelpOptions = true,
            description = "List every published version of the rules, newest first.",
            footerHeading = CheckpassCli.EXAMPLES,
            footer = "  ./checkpass rules history")
    static final class History implements Callable<Integer> {
        private final CliContext context;

        @Mixin
        CentreOptions centre;

        History(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            try (CentreServices services = centre.open(context)) {
                for (PublishedRules.Version v : services.rules().history()) {
                    context.out()
                            .println(v.publishedAt() + "  " + v.kind() + " v" + v.version() + "  " + v.publishedBy()
                                    + "  " + v.summary());
                }
            }
            return 0;
        }
    }
}
