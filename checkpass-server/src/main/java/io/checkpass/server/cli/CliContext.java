package io.checkpass.server.cli;

import io.checkpass.core.crypto.Es256;
import java.io.PrintStream;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * What every command needs from the composition root: the clock, the crypto provider (selected on first use,
 * since selection loads native code and logs) and the output streams.
 */
public final class CliContext {
    private final Clock clock;
    private final Supplier<Es256> es256;
    private final PrintStream out;
    private final PrintStream err;
    private Es256 selected;

    public CliContext(Clock clock, Supplier<Es256> es256, PrintStream out, PrintStream err) {
        this.clock = clock;
        this.es256 = es256;
        this.out = out;
        this.err = err;
    }

    public Clock clock() {
        return clock;
    }

    public synchronized Es256 es256() {
        if (selected == null) {
            selected = es256.get();
        }
        return selected;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }
}
