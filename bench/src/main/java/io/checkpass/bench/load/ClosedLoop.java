package io.checkpass.bench.load;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load: {@code workers} virtual threads each repeat an action as fast as it completes, for a
 * warm-up (not recorded) and then a measured period; returns the measured seconds.
 */
final class ClosedLoop {
    @FunctionalInterface
    interface Action {
        void run(long sequence) throws Exception;
    }

    private ClosedLoop() {}

    static double run(int workers, int warmupSeconds, int measuredSeconds, Latencies latencies, Action action)
            throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong sequence = new AtomicLong();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < workers; w++) {
                pool.submit(() -> {
                    while (running.get()) {
                        action.run(sequence.getAndIncrement());
                    }
                    return null;
                });
            }
            Thread.sleep(Duration.ofSeconds(warmupSeconds));
            latencies.reset();
            long from = System.nanoTime();
            Thread.sleep(Duration.ofSeconds(measuredSeconds));
            double elapsed = (System.nanoTime() - from) / 1e9;
            running.set(false);
            return elapsed;
        }
    }
}
