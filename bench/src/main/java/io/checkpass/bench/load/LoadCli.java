package io.checkpass.bench.load;

import io.checkpass.bench.load.rush.ClusterScaling;
import io.checkpass.bench.load.rush.LunchRush;
import io.checkpass.bench.load.rush.Overload;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code checkpass-bench}: load drivers against the real centre. */
@Command(
        name = "checkpass-bench",
        mixinStandardHelpOptions = true,
        description = "Load drivers for checkpass: each drives the real HTTP endpoints and reports what it measured.",
        subcommands = {
            IssuanceLoad.class,
            IngestLoad.class,
            LunchRush.class,
            Overload.class,
            ComplianceDay.class,
            NotifyLoad.class,
            ClusterScaling.class,
            Midnight.class
        })
public final class LoadCli implements Callable<Integer> {
    @Override
    public Integer call() {
        new CommandLine(this).usage(System.err);
        return 2;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadCli()).execute(args));
    }
}
