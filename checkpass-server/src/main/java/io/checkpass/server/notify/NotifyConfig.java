package io.checkpass.server.notify;

import io.checkpass.server.notify.sms.SmsSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The notification part of the centre's configuration: the outbox's policies and the SMSC (docs/operations.md,
 * "Notifications"). {@code ConfigLoader} merges {@link #defaults()} into its own and calls {@link #parse}.
 */
public record NotifyConfig(NotifySettings settings, SmsSettings sms) {

    /** Every {@code notify.*} and {@code sms.*} key with its default. */
    public static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>(NotifySettings.defaults());
        d.putAll(SmsSettings.defaults());
        return d;
    }

    /** Reads and checks the keys (the SMSC password, {@code sms.password}, only ever from the environment). */
    public static NotifyConfig parse(Map<String, String> values, List<String> problems) {
        NotifySettings settings = NotifySettings.parse(values, problems);
        SmsSettings sms = SmsSettings.parse(values, problems);
        if (sms.enabled() && !settings.enabled()) {
            problems.add("sms.enabled is true but notify.enabled is false: set notify.enabled: true to send SMS");
        }
        return new NotifyConfig(settings, sms);
    }
}
