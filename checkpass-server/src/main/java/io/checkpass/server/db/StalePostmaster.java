package io.checkpass.server.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL runs as its own process. If the JVM that started it was killed (SIGKILL, OOM killer,
 * power cut of the container), that postmaster may still hold the data directory; a restart must stop it
 * first. PostgreSQL's own crash recovery then replays the WAL, so every committed transaction survives.
 */
final class StalePostmaster {
    private static final Logger log = LoggerFactory.getLogger(StalePostmaster.class);

    private StalePostmaster() {}

    static void stopIfRunning(Path pgDir) throws IOException {
        Path pidFile = pgDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        String first =
                Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
        long pid;
        try {
            pid = Long.parseLong(first);
        } catch (NumberFormatException e) {
            return;
        }
        // The pid may have been reused since (e.g. after a reboot): only stop it if it is a postgres.
        var process = ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
        if (process.isEmpty()) {
            return;
        }
        log.warn("a PostgreSQL (pid {}) left by a previous run still holds {}; stopping it", pid, pgDir);
        // SIGTERM is PostgreSQL's "smart" shutdown; its clients died with the old JVM, so it stops promptly.
        process.get().destroy();
        try {
            waitForExit(process.get(), pid, pgDir);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the stale PostgreSQL pid " + pid, e);
        }
    }

    private static void waitForExit(ProcessHandle process, long pid, Path pgDir)
            throws IOException, InterruptedException {
        try {
            process.onExit().get(20, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn(
                    "PostgreSQL pid {} did not stop within 20 s; killing it (crash recovery will replay the WAL)", pid);
            process.destroyForcibly();
            try {
                process.onExit().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException again) {
                throw new IOException("cannot stop the stale PostgreSQL pid " + pid + " holding " + pgDir, again);
            }
        }
    }
}
