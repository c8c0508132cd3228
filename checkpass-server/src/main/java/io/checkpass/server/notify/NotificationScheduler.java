package io.checkpass.server.notify;

import io.checkpass.core.pass.PassStatus;
import io.checkpass.core.registry.HealthRecord;
import io.checkpass.core.registry.ImmunizationRecord;
import io.checkpass.core.registry.PersonId;
import io.checkpass.core.registry.TestRecord;
import io.checkpass.core.status.StatusDecision;
import io.checkpass.core.status.StatusEngine;
import io.checkpass.core.time.KoreaTime;
import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.registry.Registry;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides which notifications are due and creates them in the outbox: expiry reminders, booster notices, and lab
 * results. Creating is idempotent (the outbox's unique key), so a scan may run again, on two nodes, or after a
 * restart halfway, and still creates each notification once.
 *
 * <ul>
 *   <li><b>Expiry reminders</b>: a vaccination, recovery or exemption that ends (its last day at 24:00, Korean time)
 *       in N of {@link NotifySettings#reminderDays} days gets the N-day reminder, due on the day N days before the
 *       end. A scan on any later day before the next tier finds the same row; one missed for days is made late,
 *       once, for the tier the day falls in.
 *   <li><b>Booster</b>: a vaccination that will expire (no booster yet lifted the expiry) makes a booster due
 *       {@link NotifySettings#boosterIntervalDays} days after the last dose.
 *   <li><b>Lab results</b>: {@link #labResultPosted} right after a lab posts (the lab route's hook), and the scan's
 *       sweep over results posted within {@link NotifySettings#labResultWindow} for any the hook missed.
 * </ul>
 */
public final class NotificationScheduler {
    private static final Set<PassStatus> ENDING =
            Set.of(PassStatus.VACCINATED, PassStatus.RECOVERED, PassStatus.EXEMPT);

    private final Registry registry;
    private final StatusEngine engine;
    private final Outbox outbox;
    private final PushAddresses pushAddresses;
    private final NotifySettings settings;
    private final AuditLog audit;
    private final Clock clock;
    private int flushEvery = 500;

    public NotificationScheduler(
            Registry registry,
            StatusEngine engine,
            Outbox outbox,
            PushAddresses pushAddresses,
            NotifySettings settings,
            AuditLog audit,
            Clock clock) {
        this.registry = registry;
        this.engine = engine;
        this.outbox = outbox;
        this.pushAddresses = pushAddresses;
        this.settings = settings;
        this.audit = audit;
        this.clock = clock;
    }

    /** Writes the rows of a scan every {@code rows} rows (500; tests make a scan that dies halfway write some). */
    NotificationScheduler flushEvery(int rows) {
        this.flushEvery = rows;
        return this;
    }

    /** What one scan did. */
    public record Scan(long persons, int created) {}

    /** Walks the registry once and creates every notification due today that does not exist yet. Audited. */
    public Scan scan() {
        Instant now = clock.instant();
        List<Outbox.NewNotification> pending = new ArrayList<>();
        long[] persons = {0};
        int[] created = {0};
        registry.forEach(record -> {
            persons[0]++;
            pending.addAll(due(record, now));
            if (pending.size() >= flushEvery) {
                created[0] += outbox.enqueue(pending, now);
                pending.clear();
            }
        });
        created[0] += outbox.enqueue(pending, now);
        audit.record(
                "notify-scheduler",
                "notify-schedule",
                "registry",
                Map.of("persons", persons[0], "created", created[0], "at", now.toString()));
        return new Scan(persons[0], created[0]);
    }

    /** The reminders and booster notice due for one person now, on every channel they can be reached on. */
    public List<Outbox.NewNotification> due(HealthRecord record, Instant now) {
        Optional<StatusDecision> decided = engine.decide(record, now);
        if (decided.isEmpty()) {
            return List.of();
        }
        StatusDecision d = decided.get();
        if (!ENDING.contains(d.status())
                || d.statusAt(now) != d.status()
                || d.validUntil().isEmpty()) {
            return List.of();
        }
        List<Outbox.NewNotification> out = new ArrayList<>();
        LocalDate today = now.atZone(KoreaTime.KST).toLocalDate();
        LocalDate lastDay =
                d.validUntil().get().minusNanos(1).atZone(KoreaTime.KST).toLocalDate();
        LocalDate end = lastDay.plusDays(1);
        long left = ChronoUnit.DAYS.between(today, end);
        Integer tier = null;
        for (int n : settings.reminderDays()) { // largest first
            if (left >= 1 && left <= n) {
                tier = n;
            }
        }
        if (tier != null) {
            out.addAll(onChannels(
                    record,
                    NotificationKind.EXPIRY_REMINDER,
                    end.minusDays(tier),
                    "",
                    "expiry_reminder",
                    Map.of("status", d.status().name(), "lastDay", lastDay.toString(), "days", Long.toString(left)),
                    now));
        }
        if (d.status() == PassStatus.VACCINATED) {
            record.immunizations().stream()
                    .map(ImmunizationRecord::date)
                    .max(LocalDate::compareTo)
                    .map(last -> last.plusDays(settings.boosterIntervalDays()))
                    .filter(due -> !due.isAfter(today))
                    .ifPresent(due -> out.addAll(
                            onChannels(record, NotificationKind.BOOSTER_DUE, due, "", "booster_due", Map.of(), now)));
        }
        return out;
    }

    /** The lab result's notifications; the lab route's hook and the sweep both make them, once. */
    public List<Outbox.NewNotification> labResult(HealthRecord record, TestRecord test, Instant now) {
        return onChannels(
                record,
                NotificationKind.LAB_RESULT,
                test.resultAt().atZone(KoreaTime.KST).toLocalDate(),
                labSubject(test),
                "lab_result",
                Map.of(
                        "test", test.kind().name(),
                        "result", test.positive() ? "positive" : "negative",
                        "resultDay",
                                test.resultAt()
                                        .atZone(KoreaTime.KST)
                                        .toLocalDate()
                                        .toString()),
                now);
    }

    /** Tells two lab results of one person on one day apart: the test's kind and result time. */
    static String labSubject(TestRecord test) {
        return test.kind().name() + "@" + test.resultAt().getEpochSecond();
    }

    /**
     * A lab just posted {@code test}: creates its notifications. Called off the lab's request path; the scan's
     * sweep makes any this missed.
     *
     * @return how many were new
     */
    public int labResultPosted(TestRecord test) {
        Instant now = clock.instant();
        return registry.find(test.personId())
                .map(record -> outbox.enqueue(labResult(record, test, now), now))
                .orElse(0);
    }

    /** Makes sure every lab result within the window has its notifications (the durable follow-up). */
    public int sweepLabResults() {
        Instant now = clock.instant();
        Instant since = now.minus(settings.labResultWindow());
        int created = 0;
        for (String personId : outbox.personsWithUnnotifiedTests(since)) {
            Optional<HealthRecord> record = registry.find(personId);
            if (record.isEmpty()) {
                continue;
            }
            List<Outbox.NewNotification> rows = new ArrayList<>();
            for (TestRecord test : record.get().tests()) {
                if (!test.resultAt().isBefore(since)) {
                    rows.addAll(labResult(record.get(), test, now));
                }
            }
            created += outbox.enqueue(rows, now);
        }
        return created;
    }

    private List<Outbox.NewNotification> onChannels(
            HealthRecord record,
            NotificationKind kind,
            LocalDate due,
            String subject,
            String template,
            Map<String, String> params,
            Instant now) {
        List<Outbox.NewNotification> out = new ArrayList<>(2);
        String person = record.person().personId();
        if (record.person().phone().isPresent()) {
            out.add(new Outbox.NewNotification(
                    person, kind, due, NotificationChannel.Kind.SMS, subject, template, params, now));
        }
        if (!pushAddresses.subscriptionIds(new PersonId(person)).isEmpty()) {
            out.add(new Outbox.NewNotification(
                    person, kind, due, NotificationChannel.Kind.PUSH, subject, template, params, now));
        }
        return out;
    }
}
