package io.checkpass.server.notify;

import io.checkpass.core.registry.TestRecord;
import io.checkpass.core.status.StatusEngine;
import io.checkpass.server.OpenedResources;
import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.notify.sms.InProcessSmsc;
import io.checkpass.server.notify.sms.SmppChannel;
import io.checkpass.server.notify.sms.SmsSettings;
import io.checkpass.server.registry.Registry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notification services of one centre node, built in one place: the outbox, preferences and broadcasts (always,
 * so the console and the API can read and change them), and, with {@code notify.enabled}, the SMS channel (and the
 * in-process SMSC with {@code sms.in-process}), the dispatcher and the scheduler's periodic scan. Closing stops them
 * newest first: scheduler, dispatcher, channels, receipts, SMSC (facts: the client unbinds before the SMSC closes).
 */
public final class Notifications implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Notifications.class);

    /** What was opened, closed newest first. */
    private final OpenedResources opened = new OpenedResources();

    private final Outbox outbox;
    private final NotificationPreferences preferences;
    private final Broadcasts broadcasts;
    private final NotificationScheduler scheduler;
    private final Optional<InProcessSmsc> smsc;
    private final Optional<Dispatcher> dispatcher;

    /**
     * Opens the notification services; the caller closes them.
     *
     * @param links         the paper-pass links lab-result and vaccination messages carry (empty: none)
     * @param pushAddresses the persons' push subscriptions (empty: no push rows are made)
     * @param otherChannels channels besides SMS, e.g. Web Push
     */
    public Notifications(
            NotifyConfig config,
            DataSource identity,
            Registry registry,
            StatusEngine engine,
            AuditLog audit,
            ProofLinks links,
            PushAddresses pushAddresses,
            List<NotificationChannel> otherChannels,
            Clock clock) {
        try {
            this.outbox = new Outbox(identity);
            this.preferences = new NotificationPreferences(identity, audit, clock);
            this.broadcasts =
                    new Broadcasts(identity, audit, clock, config.settings().enabled());
            NotifySettings settings = config.settings();
            this.scheduler = new NotificationScheduler(registry, engine, outbox, pushAddresses, settings, audit, clock);
            if (!settings.enabled()) {
                this.smsc = Optional.empty();
                this.dispatcher = Optional.empty();
                return;
            }
            List<NotificationChannel> channels = new ArrayList<>(otherChannels);
            SmsSettings sms = config.sms();
            if (sms.enabled() && sms.inProcess()) {
                InProcessSmsc started = opened.add(InProcessSmsc.start(sms.port()));
                sms = SmsSettings.inProcess(started.port(), sms.tps(), sms.window(), sms.longMessages());
                this.smsc = Optional.of(started);
                log.warn(
                        "sms.in-process: an in-process test SMSC on port {} plays the carrier; nothing reaches a phone",
                        started.port());
            } else {
                this.smsc = Optional.empty();
            }
            OutboxReceipts receipts = opened.add(new OutboxReceipts(outbox));
            if (sms.enabled()) {
                channels.add(opened.add(new SmppChannel(sms, receipts, clock)));
            }
            this.dispatcher = Optional.of(opened.add(new Dispatcher(
                            outbox,
                            channels,
                            NotificationTemplates.load(),
                            links,
                            pushAddresses,
                            settings,
                            audit,
                            clock))
                    .start());
            ScheduledExecutorService scans = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("notify-scheduler").factory());
            opened.add(scans::shutdownNow);
            long every = settings.scanInterval().toMillis();
            scans.scheduleWithFixedDelay(this::scanQuietly, 0, every, TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            opened.close();
            throw new UncheckedIOException("cannot start the in-process SMSC: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    private void scanQuietly() {
        try {
            scheduler.sweepLabResults();
            NotificationScheduler.Scan scan = scheduler.scan();
            log.info("notifications: scanned {} persons, {} new", scan.persons(), scan.created());
        } catch (RuntimeException e) {
            log.warn("notification scan failed; the next one runs at its time: {}", e.toString());
        }
    }

    /**
     * A lab posted {@code test}: makes its notifications off the lab's request (a virtual thread), and wakes the
     * dispatcher. Never throws and never waits: if the outbox is unhappy the scan's sweep makes them later.
     */
    public void labResultPosted(TestRecord test) {
        if (dispatcher.isEmpty()) {
            return; // notify.enabled is off: nothing is sent, so nothing is queued
        }
        Thread.ofVirtual().name("notify-lab-result").start(() -> {
            try {
                if (scheduler.labResultPosted(test) > 0) {
                    dispatcher.ifPresent(Dispatcher::wake);
                }
            } catch (RuntimeException e) {
                log.warn(
                        "lab result of {}: notification not queued now ({}); the sweep will",
                        test.personId(),
                        e.toString());
            }
        });
    }

    public Outbox outbox() {
        return outbox;
    }

    public NotificationPreferences preferences() {
        return preferences;
    }

    public Broadcasts broadcasts() {
        return broadcasts;
    }

    public NotificationScheduler scheduler() {
        return scheduler;
    }

    /** The in-process SMSC, when {@code sms.in-process} started one (the demo; the end-to-end test reads it). */
    public Optional<InProcessSmsc> smsc() {
        return smsc;
    }

    /** Wakes the dispatcher after a broadcast. */
    public void wake() {
        dispatcher.ifPresent(Dispatcher::wake);
    }

    @Override
    public void close() {
        opened.close();
    }
}
