package io.checkpass.server.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.core.registry.PersonId;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Quiet hours, the daily cap, opt-out, retries to the dead letter, refusals, and the paper-pass link. */
class DispatcherPoliciesTest {
    /** 22:00 KST on 1 March 2022: quiet hours. */
    private static final Instant NIGHT = Instant.parse("2022-03-01T13:00:00Z");

    private static NotifyFixture f;

    @BeforeAll
    static void open() {
        f = new NotifyFixture(NIGHT);
    }

    @AfterAll
    static void close() {
        f.close();
    }

    /** A channel that records what it was given and answers as told. */
    private static final class FakeSms implements NotificationChannel {
        final List<Message> sent = new CopyOnWriteArrayList<>();
        volatile Function<Message, SendResult> answer = m -> new SendResult.Accepted("id-" + m.notificationId());

        @Override
        public Kind kind() {
            return Kind.SMS;
        }

        @Override
        public SendResult send(Message message) {
            sent.add(message);
            return answer.apply(message);
        }

        @Override
        public void close() {}
    }

    private static Dispatcher dispatcher(FakeSms sms, NotifySettings settings) {
        ProofLinks links = person -> Optional.of(URI.create("https://pass.example.kr/p/" + person.value()));
        return new Dispatcher(
                f.outbox,
                List.of(sms),
                NotificationTemplates.load(),
                links,
                person -> List.of(),
                settings,
                f.stores.audit(),
                f.clock);
    }

    private static Outbox.NewNotification reminder(String person, LocalDate due) {
        return new Outbox.NewNotification(
                person,
                NotificationKind.EXPIRY_REMINDER,
                due,
                NotificationChannel.Kind.SMS,
                "",
                "expiry_reminder",
                Map.of("status", "VACCINATED", "lastDay", "2022-03-08", "days", "7"),
                f.clock.instant());
    }

    private static Outbox.NewNotification lab(String person) {
        return new Outbox.NewNotification(
                person,
                NotificationKind.LAB_RESULT,
                LocalDate.of(2022, 3, 1),
                NotificationChannel.Kind.SMS,
                "PCR@1",
                "lab_result",
                Map.of("test", "PCR", "result", "negative", "resultDay", "2022-03-01"),
                f.clock.instant());
    }

    private static String state(String person) {
        return f.query("select string_agg(kind || ':' || state, ',' order by id) from notification where person_id = '"
                        + person + "'")
                .getFirst();
    }

    @Test
    void quietHoursHoldRemindersButNotLabResults_andTheLabResultCarriesTheLinkAndSaysTheQrIsTheProof() {
        f.clock.set(NIGHT);
        f.person("q1", "010-3000-0001");
        f.outbox.enqueue(List.of(reminder("q1", LocalDate.of(2022, 3, 1)), lab("q1")), f.clock.instant());
        FakeSms sms = new FakeSms();
        Dispatcher d = dispatcher(sms, NotifySettings.standard());
        d.dispatchOnce();
        assertThat(state("q1")).isEqualTo("expiry_reminder:queued,lab_result:sent");
        NotificationChannel.Message labMessage = sms.sent.getFirst();
        assertThat(labMessage.address()).isEqualTo("01030000001");
        assertThat(labMessage.body())
                .contains("PCR 검사 결과: 음성")
                .contains("https://pass.example.kr/p/q1")
                .contains("이 문자가 아니라 링크 속 QR 코드를 확인합니다");
        assertThat(labMessage.link()).isEqualTo("https://pass.example.kr/p/q1");

        f.clock.set(Instant.parse("2022-03-01T22:59:00Z")); // 07:59 KST
        d.dispatchOnce();
        assertThat(state("q1")).isEqualTo("expiry_reminder:queued,lab_result:sent");
        f.clock.set(Instant.parse("2022-03-01T23:00:00Z")); // 08:00 KST
        d.dispatchOnce();
        assertThat(state("q1")).isEqualTo("expiry_reminder:sent,lab_result:sent");
    }

    @Test
    void theDailyCapHoldsTheRestUntilTomorrowMorning() {
        f.clock.set(Instant.parse("2022-03-02T03:00:00Z")); // 12:00 KST
        f.person("c1", "010-3000-0002");
        f.outbox.enqueue(
                List.of(
                        reminder("c1", LocalDate.of(2022, 3, 2)),
                        reminder("c1", LocalDate.of(2022, 3, 3)),
                        reminder("c1", LocalDate.of(2022, 3, 4)),
                        lab("c1")),
                f.clock.instant());
        NotifySettings capTwo = new NotifySettingsBuilder().dailyCap(2).build();
        Dispatcher d = dispatcher(new FakeSms(), capTwo);
        d.dispatchOnce();
        assertThat(state("c1"))
                .isEqualTo("expiry_reminder:sent,expiry_reminder:sent,expiry_reminder:queued,lab_result:sent");
        assertThat(f.query("select next_attempt_at at time zone 'Asia/Seoul' from notification where person_id = 'c1'"
                        + " and state = 'queued'"))
                .containsExactly("2022-03-03 08:00:00");
        f.clock.set(Instant.parse("2022-03-02T23:00:00Z")); // 08:00 KST the next day
        d.dispatchOnce();
        assertThat(state("c1")).doesNotContain("queued");
    }

    @Test
    void anOptOutSuppressesWhatIsQueuedAndIsAudited() {
        f.clock.set(Instant.parse("2022-03-02T03:00:00Z"));
        f.person("o1", "010-3000-0003");
        f.outbox.enqueue(List.of(reminder("o1", LocalDate.of(2022, 3, 2))), f.clock.instant());
        NotificationPreferences prefs =
                new NotificationPreferences(f.stores.database().identity(), f.stores.audit(), f.clock);
        assertThat(prefs.change(
                        "console:admin",
                        new PersonId("o1"),
                        new NotificationPreferences.Change(
                                Optional.of(true), Optional.empty(), Optional.of(Locale.ENGLISH))))
                .isEqualTo(new NotificationPreferences.Outcome.Changed(
                        new NotificationPreferences.Preference(true, false, Locale.ENGLISH)));
        FakeSms sms = new FakeSms();
        dispatcher(sms, NotifySettings.standard()).dispatchOnce();
        assertThat(state("o1")).isEqualTo("expiry_reminder:suppressed");
        assertThat(sms.sent).isEmpty();
        assertThat(f.stores
                        .audit()
                        .read(
                                Instant.parse("2022-01-01T00:00:00Z"),
                                Instant.parse("2023-01-01T00:00:00Z"),
                                10,
                                Optional.of("notify-preference")))
                .anySatisfy(e -> assertThat(e.subject()).isEqualTo("o1"));
        assertThat(prefs.change(
                        "x",
                        new PersonId("nobody"),
                        new NotificationPreferences.Change(Optional.of(true), Optional.empty(), Optional.empty())))
                .isInstanceOf(NotificationPreferences.Outcome.UnknownPerson.class);
    }

    @Test
    void aProviderDownRetriesWithBackoffThenDeadLetters_aRefusalFails() {
        f.clock.set(Instant.parse("2022-03-03T03:00:00Z"));
        f.person("r1", "010-3000-0004");
        f.person("r2", "010-3000-0005");
        f.outbox.enqueue(
                List.of(reminder("r1", LocalDate.of(2022, 3, 3)), reminder("r2", LocalDate.of(2022, 3, 3))),
                f.clock.instant());
        FakeSms sms = new FakeSms();
        sms.answer = m -> m.address().endsWith("5")
                ? new NotificationChannel.SendResult.Rejected("invalid destination")
                : new NotificationChannel.SendResult.RetryLater("SMSC not bound");
        NotifySettings threeAttempts =
                new NotifySettingsBuilder().maxAttempts(3).build();
        Dispatcher d = dispatcher(sms, threeAttempts);
        d.dispatchOnce();
        assertThat(state("r2")).isEqualTo("expiry_reminder:failed");
        assertThat(state("r1")).isEqualTo("expiry_reminder:queued");
        d.dispatchOnce(); // backoff: not due yet
        assertThat(sms.sent).hasSize(2);
        f.clock.advance(Duration.ofSeconds(10));
        d.dispatchOnce();
        f.clock.advance(Duration.ofSeconds(20));
        d.dispatchOnce();
        assertThat(state("r1")).isEqualTo("expiry_reminder:dead");
        assertThat(sms.sent).hasSize(4);
        assertThat(f.stores
                        .audit()
                        .read(
                                Instant.parse("2022-01-01T00:00:00Z"),
                                Instant.parse("2023-01-01T00:00:00Z"),
                                10,
                                Optional.of("notify-dead-letter")))
                .hasSize(1);
    }

    @Test
    void twoDispatchersOnOneOutboxNeverSendOneRowTwice() throws Exception {
        f.clock.set(Instant.parse("2022-03-04T03:00:00Z"));
        int n = 400;
        f.query("""
                insert into identity.person (person_id, name, birth_date, phone)
                select 'm' || g, '동시', date '1980-01-01', '0106000' || lpad(g::text, 4, '0')
                from generate_series(1, %d) g returning person_id""".formatted(n));
        List<Outbox.NewNotification> rows = new java.util.ArrayList<>();
        for (int i = 1; i <= n; i++) {
            rows.add(reminder("m" + i, LocalDate.of(2022, 3, 4)));
        }
        f.outbox.enqueue(rows, f.clock.instant());
        NotifySettings small = new NotifySettingsBuilder().batchSize(15).build();
        FakeSms one = new FakeSms();
        FakeSms two = new FakeSms();
        Dispatcher first = dispatcher(one, small);
        Dispatcher second = dispatcher(two, small);
        try (var nodes = java.util.concurrent.Executors.newFixedThreadPool(2)) {
            var a = nodes.submit(() -> {
                while (first.dispatchOnce() > 0) {}
            });
            var b = nodes.submit(() -> {
                while (second.dispatchOnce() > 0) {}
            });
            a.get();
            b.get();
        }
        List<Long> sent = new java.util.ArrayList<>();
        one.sent.forEach(m -> sent.add(m.notificationId()));
        two.sent.forEach(m -> sent.add(m.notificationId()));
        assertThat(sent).hasSize(n).doesNotHaveDuplicates();
        assertThat(one.sent).isNotEmpty();
        assertThat(two.sent).isNotEmpty();
        assertThat(f.count("select count(*) from notification where person_id like 'm%' and state = 'sent'"))
                .isEqualTo(n);
    }

    @Test
    void aCentreThatSendsNothingRefusesABroadcastRatherThanSendItSomeOtherDay() {
        Broadcasts off = new Broadcasts(f.stores.database().identity(), f.stores.audit(), f.clock, false);
        assertThat(off.send("admin", "오늘은 방역패스를 확인하지 않습니다.", "The pass is not checked today."))
                .isInstanceOfSatisfying(
                        Broadcasts.Outcome.Invalid.class,
                        invalid -> assertThat(invalid.problems())
                                .singleElement()
                                .asString()
                                .contains("notify.enabled"));
    }
}
