package io.checkpass.server.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every template, in both languages, with every parameter at its longest, fits its form; byte counts are pinned. */
class NotificationTemplatesTest {
    private final NotificationTemplates templates = NotificationTemplates.load();

    @Test
    void everyTemplateFitsItsFormAtItsLongest() {
        for (var set : java.util.List.of(templates.plain(), templates.withLink())) {
            for (NotificationTemplates.Template t : set.values()) {
                Map<String, String> longest = new HashMap<>();
                t.params().forEach((name, max) -> longest.put(name, "가".repeat(max)));
                Optional<String> link = Optional.ofNullable(longest.remove("link"));
                for (Locale locale : new Locale[] {Locale.KOREAN, Locale.ENGLISH}) {
                    String text = templates.render(t.id(), locale, longest, link);
                    assertThat(text).doesNotContain("{");
                    if (t.form() == NotificationTemplates.Form.SMS) {
                        assertThat(SmsLength.fitsSms(text))
                                .as(
                                        "%s (%s): %d bytes, %d UCS-2 chars",
                                        t.id(), locale, SmsLength.koreanBytes(text), text.length())
                                .isTrue();
                    } else {
                        assertThat(SmsLength.fitsLms(text))
                                .as("%s (%s)", t.id(), locale)
                                .isTrue();
                    }
                }
            }
        }
    }

    @Test
    void byteCountsAreAsCarriersCountThem() {
        assertThat(SmsLength.koreanBytes("PCR 음성")).isEqualTo(8);
        assertThat(SmsLength.koreanBytes("가".repeat(45))).isEqualTo(90);
        assertThat(SmsLength.fitsSms("가".repeat(45))).isTrue();
        assertThat(SmsLength.fitsSms("가".repeat(46))).isFalse();
        assertThat(SmsLength.fitsSms("a".repeat(70))).isTrue();
        assertThat(SmsLength.fitsSms("a".repeat(71))).isFalse();
        String reminder = templates.render(
                "expiry_reminder",
                Locale.KOREAN,
                Map.of("status", "접종 완료", "lastDay", "2022-03-08", "days", "7"),
                Optional.empty());
        assertThat(reminder).isEqualTo("[checkpass] 접종 완료 증명이 7일 뒤 끝납니다. 마지막 날: 2022-03-08");
        assertThat(SmsLength.koreanBytes(reminder)).isEqualTo(67);
    }

    @Test
    void theLinkFormsSayInKoreanThatTheDoorVerifiesTheQr() {
        for (String id : templates.withLink().keySet()) {
            assertThat(templates.withLink().get(id).korean()).contains("{link}").contains("QR 코드를 확인합니다");
            assertThat(templates.withLink().get(id).english())
                    .contains("{link}")
                    .contains("QR code");
        }
        assertThat(templates.withLink()).containsKeys("lab_result", "expiry_reminder");
    }
}
