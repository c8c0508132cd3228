package io.checkpass.server.visits;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The centre's background work, every hour: the visit log's partitions made a week ahead, the retention purge, the
 * pruning of trust bundles older than the retention (the newest always stays), and the pseudonymisation of
 * identity details in audit entries older than it. A failure is logged and retried
 * on the next tick; it never stops the server.
 */
public final class Maintenance implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Maintenance.class);

    private final VisitPartitions partitions;
    private final Retention retention;
    private final Clock clock;
    private final Duration keep;
    private final ToIntFunction<Instant> pruneBundlesBefore;
    private final ToIntFunction<Instant> pseudonymiseAuditBefore;
    private final Runnable refreshRules;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("checkpass-maintenance").daemon().factory());

    /**
     * @param pruneBundlesBefore      deletes the trust bundles published before an instant, and says how many
     * @param pseudonymiseAuditBefore pseudonymises the audit entries older than an instant, and says how many
     * @param refreshRules            picks up decrees another node published (every 15 s)
     */
    public Maintenance(
            VisitPartitions partitions,
            Retention retention,
            ToIntFunction<Instant> pruneBundlesBefore,
            ToIntFunction<Instant> pseudonymiseAuditBefore,
            Runnable refreshRules,
            Clock clock,
            Duration keep) {
        this.refreshRules = refreshRules;
        this.pruneBundlesBefore = pruneBundlesBefore;
        this.pseudonymiseAuditBefore = pseudonymiseAuditBefore;
        this.partitions = partitions;
        this.retention = retention;
        this.clock = clock;
        this.keep = keep;
    }

    /** Makes today's partitions now (before any upload), then schedules the recurring work. */
    public Maintenance start() {
        ensurePartitions();
        scheduler.scheduleWithFixedDelay(() -> guarded("partitions", this::ensurePartitions), 1, 1, TimeUnit.HOURS);
        scheduler.scheduleWithFixedDelay(
                () -> guarded("retention", () -> retention.purge("retention-job")), 1, 60, TimeUnit.MINUTES);
        scheduler.scheduleWithFixedDelay(() -> guarded("bundle pruning", this::pruneBundles), 2, 60, TimeUnit.MINUTES);
        scheduler.scheduleWithFixedDelay(
                () -> guarded("audit pseudonymisation", this::pseudonymiseAudit), 3, 60, TimeUnit.MINUTES);
        scheduler.scheduleWithFixedDelay(() -> guarded("rules refresh", refreshRules), 15, 15, TimeUnit.SECONDS);
        return this;
    }

    /** Pseudonymises the identity details of audit entries older than the retention, a thousand at a time. */
    public void pseudonymiseAudit() {
        int done = pseudonymiseAuditBefore.applyAsInt(clock.instant().minus(keep));
        if (done > 0) {
            log.info("pseudonymised {} audit entries older than {} days", done, keep.toDays());
        }
    }

    /** Deletes the trust bundles published before the retention. */
    public void pruneBundles() {
        int pruned = pruneBundlesBefore.applyAsInt(clock.instant().minus(keep));
        if (pruned > 0) {
            log.info("pruned {} trust bundles older than {} days", pruned, keep.toDays());
        }
    }

    public void ensurePartitions() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        partitions.ensure(today.minusDays(keep.toDays() + 1), today.plusDays(7));
    }

    private static void guarded(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.warn("{} failed; will retry on the next tick: {}", what, e.getMessage());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
