package io.checkpass.server.notify;

import io.checkpass.core.registry.PersonId;
import io.checkpass.core.registry.PhoneNumber;
import io.checkpass.core.time.KoreaTime;
import io.checkpass.server.audit.AuditLog;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what the outbox holds: claims a batch of due rows, applies the person's opt-out and the daily cap, renders
 * each message, hands it to its channel (all of a batch at once, on virtual threads; the channel applies its own
 * window and rate), and settles the batch. A refusal by the provider fails the row; a provider that is down or slow
 * retries it with backoff, and after {@link NotifySettings#maxAttempts} attempts the row is dead (audited). Time is
 * the injected clock's; only the idle wait between polls is real time.
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final Outbox outbox;
    private final Map<NotificationChannel.Kind, NotificationChannel> channels;
    private final NotificationTemplates templates;
    private final ProofLinks links;
    private final PushAddresses pushAddresses;
    private final NotifySettings settings;
    private final AuditLog audit;
    private final Clock clock;
    private final Semaphore wake = new Semaphore(0);
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> loops = new CopyOnWriteArrayList<>();

    public Dispatcher(
            Outbox outbox,
            List<NotificationChannel> channels,
            NotificationTemplates templates,
            ProofLinks links,
            PushAddresses pushAddresses,
            NotifySettings settings,
            AuditLog audit,
            Clock clock) {
        this.outbox = outbox;
        this.channels = new EnumMap<>(NotificationChannel.Kind.class);
        for (NotificationChannel channel : channels) {
            this.channels.put(channel.kind(), channel);
        }
        this.templates = templates;
        this.links = links;
        this.pushAddresses = pushAddresses;
        this.settings = settings;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Claims and sends one batch of due rows and settles them.
     *
     * @return how many rows were claimed (0: nothing was due)
     */
    public int dispatchOnce() {
        Instant now = clock.instant();
        List<Outbox.Claimed> claimed =
                outbox.claim(settings.batchSize(), now, settings.quietHours().contains(now), settings.lease());
        if (claimed.isEmpty()) {
            outbox.applyHeldReceipts();
            return 0;
        }
        LocalDate today = now.atZone(KoreaTime.KST).toLocalDate();
        Instant startOfDay = today.atStartOfDay(KoreaTime.KST).toInstant();
        Instant tomorrow = settings.quietHours()
                .nextAllowed(today.plusDays(1).atStartOfDay(KoreaTime.KST).toInstant());
        Map<NotificationChannel.Kind, Map<String, Integer>> sentToday = new EnumMap<>(NotificationChannel.Kind.class);
        for (NotificationChannel.Kind kind : NotificationChannel.Kind.values()) {
            List<String> persons = claimed.stream()
                    .filter(c -> c.channel() == kind && c.kind().capped())
                    .map(Outbox.Claimed::personId)
                    .distinct()
                    .toList();
            sentToday.put(kind, new HashMap<>(outbox.sentSince(persons, kind, startOfDay)));
        }
        ConcurrentLinkedQueue<Outbox.Settlement> settled = new ConcurrentLinkedQueue<>();
        try (ExecutorService sender = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Outbox.Claimed row : claimed) {
                NotificationChannel channel = channels.get(row.channel());
                if (channel == null) {
                    settled.add(new Outbox.Settlement.Suppressed(
                            row.id(), "channel " + row.channel().id() + " is not configured on this centre"));
                } else if (row.optedOut()) {
                    settled.add(new Outbox.Settlement.Suppressed(
                            row.id(), "opted out of " + row.channel().id()));
                } else if (row.kind().capped()
                        && sentToday.get(row.channel()).merge(row.personId(), 1, Integer::sum) > settings.dailyCap()) {
                    settled.add(new Outbox.Settlement.Requeued(
                            row.id(), tomorrow, false, "daily cap of " + settings.dailyCap() + " reached"));
                } else {
                    sender.submit(() -> settled.add(send(channel, row, now)));
                }
            }
        }
        List<Outbox.Settlement> all = new ArrayList<>(settled);
        outbox.settle(all, clock.instant());
        for (Outbox.Settlement s : all) {
            if (s instanceof Outbox.Settlement.Dead dead) {
                audit.record(
                        "notify-dispatcher",
                        "notify-dead-letter",
                        Long.toString(dead.id()),
                        Map.of("reason", dead.reason()));
            }
        }
        return claimed.size();
    }

    private Outbox.Settlement send(NotificationChannel channel, Outbox.Claimed row, Instant now) {
        List<String> addresses = switch (row.channel()) {
            case SMS ->
                Optional.ofNullable(row.phone())
                        .flatMap(p -> PhoneNumber.parse(p).number())
                        .map(p -> List.of(p.digits()))
                        .orElse(List.of());
            case PUSH -> pushAddresses.subscriptionIds(new PersonId(row.personId()));
        };
        if (addresses.isEmpty()) {
            return new Outbox.Settlement.Suppressed(
                    row.id(), "no " + row.channel().id() + " address");
        }
        Optional<String> link = templates.withLink().containsKey(row.template())
                ? links.paperPassLink(new PersonId(row.personId())).map(URI::toString)
                : Optional.empty();
        String body = templates.render(row.template(), row.locale(), words(row), link);
        String title = templates.word("title." + row.kind().id(), row.locale());
        NotificationChannel.SendResult last = null;
        for (String address : addresses) {
            NotificationChannel.SendResult result;
            try {
                result = channel.send(new NotificationChannel.Message(
                        row.id(), address, title, body, link.orElse(null), row.locale()));
            } catch (RuntimeException e) {
                log.warn(
                        "notification {}: channel {} failed: {}",
                        row.id(),
                        row.channel().id(),
                        e.toString());
                result = new NotificationChannel.SendResult.RetryLater(e.toString());
            }
            if (result instanceof NotificationChannel.SendResult.Accepted) {
                return settlement(row, result, now);
            }
            last = result;
        }
        return settlement(row, last, now);
    }

    private Outbox.Settlement settlement(Outbox.Claimed row, NotificationChannel.SendResult result, Instant now) {
        return switch (result) {
            case NotificationChannel.SendResult.Accepted a ->
                new Outbox.Settlement.Sent(row.id(), a.providerMessageId());
            case NotificationChannel.SendResult.Rejected r -> new Outbox.Settlement.Failed(row.id(), r.reason());
            case NotificationChannel.SendResult.RetryLater r -> {
                int failed = row.attempts() + 1;
                yield failed >= settings.maxAttempts()
                        ? new Outbox.Settlement.Dead(row.id(), failed + " attempts; last: " + r.reason())
                        : new Outbox.Settlement.Requeued(
                                row.id(), now.plus(settings.backoff(failed)), true, r.reason());
            }
        };
    }

    /** The row's parameters as words of the recipient's language (a status, a test kind, a result). */
    private Map<String, String> words(Outbox.Claimed row) {
        Map<String, String> out = new HashMap<>(row.params());
        for (String key : List.of("status", "test", "result")) {
            String v = out.get(key);
            if (v != null) {
                out.put(key, templates.word(key + "." + v, row.locale()));
            }
        }
        return out;
    }

    /** Starts dispatching in the background: a batch after another while rows are due, else a poll. */
    public Dispatcher start() {
        if (running.compareAndSet(false, true)) {
            for (int i = 0; i < settings.dispatchers(); i++) {
                loops.add(Thread.ofVirtual().name("notify-dispatcher-" + i).start(this::run));
            }
        }
        return this;
    }

    /** Asks the background loop to look now (a lab result was just queued). */
    public void wake() {
        wake.release();
    }

    private void run() {
        Instant lastReclaim = Instant.MIN;
        long lastReceipts = System.nanoTime();
        while (running.get()) {
            try {
                if (System.nanoTime() - lastReceipts > 1_000_000_000L) {
                    outbox.applyHeldReceipts();
                    lastReceipts = System.nanoTime();
                }
                Instant now = clock.instant();
                if (lastReclaim.isBefore(now.minus(settings.lease().dividedBy(2)))) {
                    outbox.reclaimExpired(now);
                    lastReclaim = now;
                }
                if (dispatchOnce() == 0) {
                    wake.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("notification dispatch failed; trying again: {}", e.toString());
                try {
                    Thread.sleep(settings.pollInterval().toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Stops the background loop after its current batch. */
    @Override
    public void close() {
        running.set(false);
        wake.release(loops.size());
        for (Thread t : loops) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
