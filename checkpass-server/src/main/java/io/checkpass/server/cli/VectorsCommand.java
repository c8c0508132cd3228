package io.checkpass.server.cli;

import io.checkpass.conformance.vectors.NativeVectors;
import io.checkpass.conformance.vectors.VectorFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "vectors",
        mixinStandardHelpOptions = true,
        description =
                "Write conformance vectors of the verifier, native and foreign passes (cases.json, bundles, anchor), for other implementations.",
        footerHeading = CheckpassCli.EXAMPLES,
        footer = "  ./checkpass vectors --out /tmp/vectors")
final class VectorsCommand implements Callable<Integer> {
    private final CliContext context;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "Directory to write into (created if needed).")
    Path out;

    VectorsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        NativeVectors.Generated generated = NativeVectors.generate(context.es256(), new SecureRandom());
        List<String> mismatches = NativeVectors.mismatches(generated, context.es256());
        if (!mismatches.isEmpty()) {
            // The intent is written by hand; a verifier that disagrees is a bug to fix, not a vector to publish.
            throw new CliException("the Java verifier disagrees with " + mismatches.size()
                    + " intended results, first: " + mismatches.getFirst());
        }
        VectorFiles.write(generated, NativeVectors.run(generated, context.es256()), out);
        long steps = generated.cases().stream().mapToLong(c -> c.steps().size()).sum();
        context.out()
                .println("wrote " + generated.cases().size() + " cases (" + steps + " presentations) and "
                        + generated.bundles().size() + " bundles to " + out);
        return 0;
    }
}
