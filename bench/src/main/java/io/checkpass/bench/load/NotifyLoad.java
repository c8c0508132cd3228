package io.checkpass.bench.load;

import io.checkpass.server.CentreStores;
import io.checkpass.server.config.ConfigLoader;
import io.checkpass.server.notify.Dispatcher;
import io.checkpass.server.notify.NotificationTemplates;
import io.checkpass.server.notify.NotifySettings;
import io.checkpass.server.notify.Outbox;
import io.checkpass.server.notify.OutboxReceipts;
import io.checkpass.server.notify.sms.InProcessSmsc;
import io.checkpass.server.notify.sms.SmppChannel;
import io.checkpass.server.notify.sms.SmsSettings;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Reminders queued and drained: {@code --reminders} persons each get one expiry reminder in the outbox (one
 * INSERT … SELECT), then the dispatcher sends them over SMPP to the in-process SMSC at {@code --tps}, and the SMSC's
 * receipts come back into the outbox. Reports messages/s, the queue time (queued → accepted by the SMSC) p50/p99,
 * and duplicates and lost counted on both sides: the SMSC's (distinct recipient and text) and the outbox's (rows
 * delivered).
 */
@Command(
        name = "notify",
        mixinStandardHelpOptions = true,
        description = "Queue reminders and drain them to the in-process SMSC over SMPP.")
final class NotifyLoad implements Callable<Integer> {
    @Option(names = "--reminders", defaultValue = "100000", description = "Reminders (default ${DEFAULT-VALUE}).")
    int reminders;

    @Option(names = "--tps", defaultValue = "2000", description = "The SMSC's rate (default ${DEFAULT-VALUE}).")
    int tps;

    @Option(names = "--window", defaultValue = "50", description = "Submits in flight (default ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--batch", defaultValue = "1000", description = "Rows per claim (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--timeout-minutes", defaultValue = "60", description = "Give up after (default ${DEFAULT-VALUE}).")
    int timeoutMinutes;

    @Override
    public Integer call() throws Exception {
        Clock clock = Clock.systemUTC();
        Map<String, String> overrides = Map.of(
                "data.dir", Files.createTempDirectory("checkpass-notify-bench").toString());
        Map<String, String> notify = new java.util.HashMap<>(NotifySettings.defaults());
        notify.put("notify.quiet-hours-start", "00:00"); // equal: no quiet hours, whatever the hour of the run
        notify.put("notify.quiet-hours-end", "00:00");
        notify.put("notify.batch-size", Integer.toString(batch));
        notify.put("notify.poll-interval", "PT0.05S");
        List<String> problems = new ArrayList<>();
        NotifySettings settings = NotifySettings.parse(notify, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.toString());
        }
        try (CentreStores stores = CentreStores.open(ConfigLoader.load(null, Map.of(), overrides), clock);
                InProcessSmsc smsc = InProcessSmsc.start(0)) {
            smsc.keepMessages(false);
            long t0 = System.nanoTime();
            sql(stores, """
                    insert into identity.person (person_id, name, birth_date, phone)
                    select 'b' || lpad(g::text, 8, '0'), '벤치', date '1980-01-01', '010' || lpad(g::text, 8, '0')
                    from generate_series(1, %d) g""".formatted(reminders));
            System.out.printf("seeded %d persons in %.1f s%n", reminders, (System.nanoTime() - t0) / 1e9);
            long q0 = System.nanoTime();
            sql(stores, """
                    insert into identity.notification (person_id, kind, due_date, channel, subject, template, params,
                        quiet_exempt, created_at, next_attempt_at)
                    select person_id, 'expiry_reminder', current_date, 'sms', '', 'expiry_reminder',
                        '{"status":"VACCINATED","lastDay":"2022-03-08","days":"7"}'::jsonb, false, now(), now()
                    from identity.person""");
            System.out.printf("queued %d reminders in %.1f s%n", reminders, (System.nanoTime() - q0) / 1e9);
            Outbox outbox = new Outbox(stores.database().identity());
            long d0 = System.nanoTime();
            try (OutboxReceipts receipts = new OutboxReceipts(outbox);
                    SmppChannel sms = new SmppChannel(
                            SmsSettings.inProcess(smsc.port(), tps, window, SmsSettings.LongMessages.CONCATENATE),
                            receipts,
                            clock);
                    Dispatcher dispatcher = new Dispatcher(
                            outbox,
                            List.of(sms),
                            NotificationTemplates.load(),
                            person -> Optional.empty(),
                            person -> List.of(),
                            settings,
                            stores.audit(),
                            clock)) {
                if (!sms.awaitBound(10_000)) {
                    throw new IllegalStateException("cannot bind to the in-process SMSC");
                }
                dispatcher.start();
                long deadline = System.nanoTime() + timeoutMinutes * 60_000_000_000L;
                long done = 0;
                while (System.nanoTime() < deadline) {
                    Thread.sleep(5_000);
                    done = count(stores, "select count(*) from identity.notification where state = 'delivered'");
                    System.out.printf(
                            "%6.0f s: delivered %d, SMSC messages %d%n",
                            (System.nanoTime() - d0) / 1e9, done, smsc.messages());
                    if (done >= reminders) {
                        break;
                    }
                }
                double drain = (System.nanoTime() - d0) / 1e9;
                long sent = count(
                        stores, "select count(*) from identity.notification where state in ('sent', 'delivered')");
                String queueTime = text(stores, """
                        select round(percentile_cont(0.5) within group (order by extract(epoch from sent_at - created_at))::numeric, 1)
                            || ' s / ' ||
                            round(percentile_cont(0.99) within group (order by extract(epoch from sent_at - created_at))::numeric, 1)
                            || ' s'
                        from identity.notification where sent_at is not null""");
                System.out.printf("%nreminders %d, tps %d, window %d, batch %d%n", reminders, tps, window, batch);
                System.out.printf(
                        "drained in %.1f s: %.0f messages/s (delivered, receipts recorded)%n", drain, done / drain);
                System.out.printf("queue time (queued -> accepted by the SMSC) p50 / p99: %s%n", queueTime);
                System.out.printf(
                        "SMSC side: %d messages, %d distinct, duplicates %d, lost %d%n",
                        smsc.messages(), smsc.distinct(), smsc.duplicates(), reminders - smsc.distinct());
                System.out.printf("outbox side: %d sent, %d delivered, lost %d%n", sent, done, reminders - done);
                return done == reminders && smsc.duplicates() == 0 ? 0 : 1;
            }
        }
    }

    private static void sql(CentreStores stores, String sql) throws SQLException {
        try (Connection c = stores.database().dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long count(CentreStores stores, String sql) throws SQLException {
        return Long.parseLong(text(stores, sql));
    }

    private static String text(CentreStores stores, String sql) throws SQLException {
        try (Connection c = stores.database().dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }
}
