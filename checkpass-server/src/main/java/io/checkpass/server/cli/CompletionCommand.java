package io.checkpass.server.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;

/** {@code checkpass completion}: picocli's generated bash/zsh completion script for the whole command tree. */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        description = {
            "Print a bash/zsh completion script for checkpass.",
            "Load it into the current shell with: source <(./checkpass completion)"
        },
        footerHeading = CheckpassCli.EXAMPLES,
        footer = "  source <(./checkpass completion)")
final class CompletionCommand extends AutoComplete.GenerateCompletion {}
