package io.checkpass.server.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkpass.server.notify.sms.InProcessSmsc;
import io.checkpass.server.notify.sms.SmppChannel;
import io.checkpass.server.notify.sms.SmsSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Through a real SMPP session to the in-process SMSC: Hangul in UCS-2, concatenated and LMS texts arrive whole;
 * and an SMSC stopped for 10 minutes (the injected clock runs the backoff) loses nothing, and every message is
 * delivered once after it, with its receipt recorded.
 */
class SmscOutageTest {
    private static final Instant NOON = Instant.parse("2022-03-01T03:00:00Z"); // 12:00 KST
    private static NotifyFixture f;
    private static InProcessSmsc smsc;
    private static OutboxReceipts receipts;

    @BeforeAll
    static void open() throws Exception {
        f = new NotifyFixture(NOON);
        smsc = InProcessSmsc.start(0);
        receipts = new OutboxReceipts(f.outbox);
    }

    @AfterAll
    static void close() {
        receipts.close();
        smsc.close();
        f.close();
    }

    private static SmppChannel channel(SmsSettings.LongMessages mode) throws InterruptedException {
        SmppChannel channel = new SmppChannel(SmsSettings.inProcess(smsc.port(), 500, 10, mode), receipts, f.clock);
        assertThat(channel.awaitBound(10_000)).isTrue();
        return channel;
    }

    @Test
    void hangulGoesAsUcs2AndLongTextsArriveWhole() throws Exception {
        String shortText = "[checkpass] 접종 완료 증명이 7일 뒤 끝납니다.";
        String longText = "[checkpass] PCR 검사 결과: 음성 (2022-03-01)\n종이 증명서: https://pass.example.kr/p/abc\n"
                + "입구에서는 이 문자가 아니라 링크 속 QR 코드를 확인합니다. 문자만으로는 입장할 수 없습니다. 😀";
        try (SmppChannel concatenate = channel(SmsSettings.LongMessages.CONCATENATE);
                SmppChannel lms = channel(SmsSettings.LongMessages.LMS)) {
            assertThat(concatenate.send(message(1, "01090000001", shortText)))
                    .isInstanceOf(NotificationChannel.SendResult.Accepted.class);
            assertThat(concatenate.send(message(2, "01090000002", longText)))
                    .isInstanceOf(NotificationChannel.SendResult.Accepted.class);
            assertThat(lms.send(message(3, "01090000003", longText)))
                    .isInstanceOf(NotificationChannel.SendResult.Accepted.class);
            assertThat(concatenate.send(message(4, "not-a-number", shortText)))
                    .isInstanceOf(NotificationChannel.SendResult.Rejected.class);
        }
        assertThat(smsc.received())
                .filteredOn(r -> r.to().startsWith("0109"))
                .extracting(r -> r.to() + " " + r.parts() + " " + r.lms() + " " + r.text())
                .containsExactlyInAnyOrder(
                        "01090000001 1 false " + shortText,
                        "01090000002 " + ((longText.length() + 66) / 67) + " false " + longText,
                        "01090000003 1 true " + longText);
    }

    private static NotificationChannel.Message message(long id, String to, String text) {
        return new NotificationChannel.Message(id, to, "t", text, null, Locale.KOREAN);
    }

    @Test
    void aTenMinuteOutageLosesNothingAndDeliversEachMessageOnce() throws Exception {
        f.clock.set(NOON);
        int n = 30;
        List<Outbox.NewNotification> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = "out-%02d".formatted(i);
            f.person(id, "010-4000-%04d".formatted(i));
            rows.add(new Outbox.NewNotification(
                    id,
                    NotificationKind.EXPIRY_REMINDER,
                    LocalDate.of(2022, 3, 1),
                    NotificationChannel.Kind.SMS,
                    "",
                    "expiry_reminder",
                    Map.of("status", "VACCINATED", "lastDay", "2022-03-08", "days", "7"),
                    NOON));
        }
        f.outbox.enqueue(rows, NOON);
        try (SmppChannel sms = channel(SmsSettings.LongMessages.CONCATENATE)) {
            Dispatcher dispatcher = new Dispatcher(
                    f.outbox,
                    List.of(sms),
                    NotificationTemplates.load(),
                    person -> Optional.empty(),
                    person -> List.of(),
                    NotifySettings.standard(),
                    f.stores.audit(),
                    f.clock);
            long before = smsc.messages();
            smsc.stop();
            for (int minute = 0; minute <= 10; minute++) {
                dispatcher.dispatchOnce();
                f.clock.advance(Duration.ofMinutes(1));
            }
            assertThat(smsc.messages()).isEqualTo(before);
            assertThat(f.count("select count(*) from notification where person_id like 'out-%' and state = 'queued'"
                            + " and attempts >= 4"))
                    .isEqualTo(n);

            smsc.restart();
            assertThat(sms.awaitBound(10_000)).isTrue();
            for (int round = 0; round < 10 && pending() > 0; round++) {
                f.clock.advance(Duration.ofMinutes(5));
                dispatcher.dispatchOnce();
            }
            long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (delivered() < n && System.nanoTime() < until) {
                Thread.sleep(50);
            }
        }
        assertThat(delivered()).isEqualTo(n);
        assertThat(smsc.received())
                .filteredOn(r -> r.to().startsWith("0104000"))
                .hasSize(n);
        assertThat(smsc.duplicates()).isZero();
        assertThat(f.count("""
                        select count(*) from notification n join notification_receipt r
                          on r.channel = n.channel and r.provider_message_id = n.provider_message_id
                        where n.person_id like 'out-%' and r.delivered""")).isEqualTo(n);
    }

    private static long pending() {
        return f.count("select count(*) from notification where person_id like 'out-%' and state = 'queued'");
    }

    private static long delivered() {
        return f.count("select count(*) from notification where person_id like 'out-%' and state = 'delivered'");
    }
}
