package io.checkpass.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkpass.server.notify.sms.SmsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notification keys are validated at start-up; each error names its key, and the SMSC password is never in a file. */
class NotifyConfigTest {
    @TempDir
    Path data;

    private CheckpassConfig load(Map<String, String> environment, Map<String, String> overrides) {
        var all = new HashMap<>(overrides);
        all.put("data.dir", data.toString());
        return ConfigLoader.load(null, environment, all);
    }

    @Test
    void byDefaultNothingIsSentAndThePoliciesAreTheIssues() {
        var n = load(Map.of(), Map.of()).notifications();
        assertThat(n.settings().enabled()).isFalse();
        assertThat(n.sms().enabled()).isFalse();
        assertThat(n.settings().quietHours().start()).isEqualTo(LocalTime.of(21, 0));
        assertThat(n.settings().quietHours().end()).isEqualTo(LocalTime.of(8, 0));
        assertThat(n.settings().reminderDays()).containsExactly(14, 7, 1);
        assertThat(n.settings().backoff(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(n.settings().backoff(3)).isEqualTo(Duration.ofSeconds(40));
        assertThat(n.settings().backoff(30)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void anSmscNeedsItsSystemIdSenderNumberAndAPasswordFromTheEnvironment() {
        assertThatThrownBy(() -> load(Map.of(), Map.of("notify.enabled", "true", "sms.enabled", "true")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .anySatisfy(p -> assertThat(p).startsWith("sms.system-id"))
                        .anySatisfy(p -> assertThat(p).contains("CHECKPASS_SMS_PASSWORD"))
                        .anySatisfy(p -> assertThat(p).startsWith("sms.source-address")));
        var ok = load(
                        Map.of("CHECKPASS_SMS_PASSWORD", "s3cret"),
                        Map.of(
                                "notify.enabled", "true",
                                "sms.enabled", "true",
                                "sms.system-id", "checkpass",
                                "sms.source-address", "1339",
                                "sms.long-messages", "lms"))
                .notifications()
                .sms();
        assertThat(ok.password()).contains("s3cret");
        assertThat(ok.longMessages()).isEqualTo(SmsSettings.LongMessages.LMS);
        assertThatThrownBy(() -> load(
                        Map.of(),
                        Map.of("sms.enabled", "true", "sms.in-process", "true", "sms.source-address", "1339")))
                .hasMessageContaining("notify.enabled");
    }

    @Test
    void badValuesNameTheirKeys() {
        assertThatThrownBy(() -> load(
                        Map.of(),
                        Map.of(
                                "notify.reminder-days", "14,14",
                                "notify.quiet-hours-start", "9pm",
                                "notify.daily-cap", "0",
                                "sms.tps", "fast",
                                "sms.long-messages", "mms")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .anySatisfy(p -> assertThat(p).startsWith("notify.reminder-days"))
                        .anySatisfy(p -> assertThat(p).startsWith("notify.quiet-hours-start"))
                        .anySatisfy(p -> assertThat(p).startsWith("notify.daily-cap"))
                        .anySatisfy(p -> assertThat(p).startsWith("sms.tps"))
                        .anySatisfy(p -> assertThat(p).startsWith("sms.long-messages")));
    }

    @Test
    void theSmscPasswordIsRefusedInTheConfigFile() throws Exception {
        Path file = data.resolve("checkpass.yaml");
        Files.writeString(file, "sms:\n  password: hunter2\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of("data.dir", data.toString())))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .containsExactly(file
                                + ": sms.password must not be written in a file; set CHECKPASS_SMS_PASSWORD instead"));
    }
}
