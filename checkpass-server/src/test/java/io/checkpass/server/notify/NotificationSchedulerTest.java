package io.checkpass.server.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkpass.core.registry.HealthRecord;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.core.registry.TestRecord;
import io.checkpass.core.rules.MedicalRules;
import io.checkpass.core.status.StatusEngine;
import io.checkpass.server.registry.Registry;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scheduler over a seeded registry makes exactly the 14/7/1-day reminders (and booster notices) due, once, even
 * when a scan dies halfway and a new scheduler (a restarted node) scans again; a lab result is made once by the
 * hook and the sweep together.
 */
class NotificationSchedulerTest {
    /** 1 March 2022, 10:00 KST: the 180-day validity of a primary series is in force. */
    private static final Instant NOW = Instant.parse("2022-03-01T01:00:00Z");

    private static final LocalDate TODAY = LocalDate.of(2022, 3, 1);
    private static NotifyFixture f;

    @BeforeAll
    static void seed() {
        f = new NotifyFixture(NOW);
        // The last day of a primary series is 180 days after the second dose; it ends at 24:00 of that day.
        f.vaccinated("p01-ends-in-14", "010-1111-0014", TODAY.plusDays(14 - 181));
        f.vaccinated("p02-ends-in-10", "010-1111-0010", TODAY.plusDays(10 - 181));
        f.vaccinated("p03-ends-in-7", "010-1111-0007", TODAY.plusDays(7 - 181));
        f.vaccinated("p04-ends-in-1", "010-1111-0001", TODAY.plusDays(1 - 181));
        f.vaccinated("p05-ends-in-20", "010-1111-0020", TODAY.plusDays(20 - 181));
        f.vaccinated("p06-ended", "010-1111-0000", TODAY.plusDays(-181));
        f.vaccinated("p07-no-phone", null, TODAY.plusDays(7 - 181));
        f.vaccinated("p08-recent", "010-1111-0100", TODAY.minusDays(30));
        f.person("p09-unvaccinated", "010-1111-0200");
    }

    @AfterAll
    static void close() {
        f.close();
    }

    private static NotificationScheduler scheduler(Registry registry) {
        return new NotificationScheduler(
                registry,
                new StatusEngine(MedicalRules.korea()),
                f.outbox,
                person -> List.of(),
                NotifySettings.standard(),
                f.stores.audit(),
                f.clock);
    }

    @Test
    void remindersDueAreMadeOnceEvenAfterARestartHalfway() {
        f.clock.set(NOW);
        // A node dies after three persons of its scan.
        Registry dying = new DyingRegistry(f.stores.registry(), 3);
        assertThatThrownBy(() -> scheduler(dying).flushEvery(1).scan()).hasMessageContaining("node died");
        assertThat(f.rows()).isNotEmpty();

        // The restarted node scans the whole registry; a second scan (or a second node) finds nothing new.
        NotificationScheduler restarted = scheduler(f.stores.registry());
        restarted.scan();
        assertThat(restarted.scan().created()).isZero();

        // ends on day E (the day after the last day): the N-day reminder is due on E - N
        LocalDate e14 = TODAY.plusDays(14), e10 = TODAY.plusDays(10), e7 = TODAY.plusDays(7), e1 = TODAY.plusDays(1);
        assertThat(f.rows())
                .filteredOn(r -> !r.contains("lab_result"))
                .containsExactly(
                        "p01-ends-in-14 booster_due " + TODAY.plusDays(14 - 181 + 90) + " sms queued",
                        "p01-ends-in-14 expiry_reminder " + e14.minusDays(14) + " sms queued",
                        "p02-ends-in-10 booster_due " + TODAY.plusDays(10 - 181 + 90) + " sms queued",
                        "p02-ends-in-10 expiry_reminder " + e10.minusDays(14) + " sms queued",
                        "p03-ends-in-7 booster_due " + TODAY.plusDays(7 - 181 + 90) + " sms queued",
                        "p03-ends-in-7 expiry_reminder " + e7.minusDays(7) + " sms queued",
                        "p04-ends-in-1 booster_due " + TODAY.plusDays(1 - 181 + 90) + " sms queued",
                        "p04-ends-in-1 expiry_reminder " + e1.minusDays(1) + " sms queued",
                        "p05-ends-in-20 booster_due " + TODAY.plusDays(20 - 181 + 90) + " sms queued");

        // Days later: the same tier is the same row; a new tier is one new row.
        f.clock.set(NOW.plus(Duration.ofDays(3)));
        scheduler(f.stores.registry()).scan();
        assertThat(f.rows())
                .filteredOn(r -> r.contains("expiry_reminder"))
                .containsExactly(
                        "p01-ends-in-14 expiry_reminder " + e14.minusDays(14) + " sms queued",
                        "p02-ends-in-10 expiry_reminder " + e10.minusDays(14) + " sms queued",
                        "p02-ends-in-10 expiry_reminder " + e10.minusDays(7) + " sms queued",
                        "p03-ends-in-7 expiry_reminder " + e7.minusDays(7) + " sms queued",
                        "p04-ends-in-1 expiry_reminder " + e1.minusDays(1) + " sms queued");
        assertThat(f.stores.audit().read(NOW, NOW.plus(Duration.ofDays(4)), 10, Optional.of("notify-schedule")))
                .hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void aLabResultIsMadeOnceByTheHookAndTheSweep() {
        f.clock.set(NOW);
        f.person("p20-lab", "010-2222-0001");
        f.person("p21-lab-missed", "010-2222-0002");
        Instant resultAt = NOW.minus(Duration.ofHours(2));
        TestRecord hooked = new TestRecord("p20-lab", resultAt, TestRecord.Kind.PCR, false);
        TestRecord missed = new TestRecord("p21-lab-missed", resultAt, TestRecord.Kind.RAPID_ANTIGEN, false);
        f.stores.registry().upsert(List.<RegistryRecord>of(hooked, missed));
        NotificationScheduler scheduler = scheduler(f.stores.registry());
        assertThat(scheduler.labResultPosted(hooked)).isEqualTo(1);
        assertThat(scheduler.labResultPosted(hooked)).isZero();
        // The hook never ran for the second (the node died after the lab's commit): the sweep makes it.
        assertThat(scheduler.sweepLabResults()).isEqualTo(1);
        assertThat(scheduler.sweepLabResults()).isZero();
        assertThat(f.rows())
                .filteredOn(r -> r.contains("lab_result"))
                .containsExactly(
                        "p20-lab lab_result 2022-03-01 sms queued", "p21-lab-missed lab_result 2022-03-01 sms queued");
    }

    /** The registry of a node that dies after {@code after} persons of a scan. */
    private record DyingRegistry(Registry delegate, int after) implements Registry {
        @Override
        public Optional<HealthRecord> find(String personId) {
            return delegate.find(personId);
        }

        @Override
        public Map<String, HealthRecord> findAll(Collection<String> personIds) {
            return delegate.findAll(personIds);
        }

        @Override
        public List<Outcome> upsert(List<RegistryRecord> records) {
            return delegate.upsert(records);
        }

        @Override
        public void forEach(Consumer<HealthRecord> action) {
            AtomicInteger seen = new AtomicInteger();
            delegate.forEach(record -> {
                if (seen.incrementAndGet() > after) {
                    throw new IllegalStateException("node died");
                }
                action.accept(record);
            });
        }

        @Override
        public long countPersons() {
            return delegate.countPersons();
        }
    }
}
