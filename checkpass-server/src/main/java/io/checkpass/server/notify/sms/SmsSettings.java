package io.checkpass.server.notify.sms;

import io.checkpass.server.notify.NotifySettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The SMSC the centre binds to (docs/operations.md, "Notifications: SMS"). The password is never in the config file:
 * it comes from {@code CHECKPASS_SMS_PASSWORD}.
 *
 * @param enabled       whether the centre sends SMS
 * @param inProcess     start the in-process test SMSC on {@code port} and bind to it (the demo); never in production
 * @param systemId      the ESME's system_id the SMSC issued
 * @param password      from the environment; empty only for the in-process SMSC
 * @param sourceAddress the sender number the carrier registered (발신번호), e.g. 1339
 * @param tps           submits per second at most (the SMSC's contracted rate)
 * @param window        submits in flight at most (awaiting submit_sm_resp)
 * @param longMessages  how a text longer than one SMS goes: concatenated parts (UDH), or one LMS
 * @param lmsServiceType the service_type an LMS carries (carriers' gateways differ; "LMS" is common)
 */
public record SmsSettings(
        boolean enabled,
        boolean inProcess,
        String host,
        int port,
        String systemId,
        Optional<String> password,
        String systemType,
        String sourceAddress,
        int tps,
        int window,
        Duration enquireLink,
        Duration submitTimeout,
        Duration reconnectDelay,
        LongMessages longMessages,
        String lmsServiceType) {

    /** CONCATENATE: UDH parts; LMS: one submit_sm with the whole text in message_payload. */
    public enum LongMessages {
        CONCATENATE,
        LMS
    }

    public static final String PASSWORD_ENV = "CHECKPASS_SMS_PASSWORD";

    public static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("sms.enabled", "false");
        d.put("sms.in-process", "false");
        d.put("sms.host", "127.0.0.1");
        d.put("sms.port", "2775");
        d.put("sms.system-id", "");
        d.put("sms.password", "");
        d.put("sms.system-type", "");
        d.put("sms.source-address", "");
        d.put("sms.tps", "50");
        d.put("sms.window", "10");
        d.put("sms.enquire-link", "PT30S");
        d.put("sms.submit-timeout", "PT5S");
        d.put("sms.reconnect-delay", "PT5S");
        d.put("sms.long-messages", "concatenate");
        d.put("sms.lms-service-type", "LMS");
        return d;
    }

    /** Reads the {@code sms.*} keys; each problem names its key. */
    public static SmsSettings parse(Map<String, String> v, List<String> problems) {
        NotifySettings.Keys k = new NotifySettings.Keys(v, problems);
        boolean enabled = k.bool("sms.enabled");
        boolean inProcess = k.bool("sms.in-process");
        String systemId = k.text("sms.system-id");
        String source = k.text("sms.source-address");
        // ConfigLoader takes sms.password from CHECKPASS_SMS_PASSWORD and refuses it in a file.
        Optional<String> password = Optional.ofNullable(v.get("sms.password")).filter(p -> !p.isEmpty());
        if (enabled && !inProcess) {
            if (systemId.isEmpty() || systemId.length() > 15) {
                problems.add("sms.system-id must be the 1..15-character system_id your SMSC issued (set it in"
                        + " checkpass.yaml or CHECKPASS_SMS_SYSTEM_ID)");
            }
            if (password.isEmpty()) {
                problems.add("sms.password: set " + PASSWORD_ENV + " to the SMSC password (never in checkpass.yaml)");
            } else if (password.get().length() > 8) {
                problems.add("sms.password: SMPP 3.4 passwords are at most 8 characters; " + PASSWORD_ENV + " holds "
                        + password.get().length());
            }
        }
        if (enabled && !source.matches("[0-9]{3,20}")) {
            problems.add("sms.source-address = '" + source
                    + "' must be the registered sender number (3..20 digits, e.g. 1339)");
        }
        String mode = k.text("sms.long-messages").toUpperCase(Locale.ROOT);
        LongMessages longMessages = LongMessages.CONCATENATE;
        try {
            longMessages = LongMessages.valueOf(mode);
        } catch (IllegalArgumentException e) {
            problems.add("sms.long-messages = '" + v.get("sms.long-messages") + "' must be concatenate or lms");
        }
        return new SmsSettings(
                enabled,
                inProcess,
                k.text("sms.host"),
                k.integer("sms.port", 0, 65535),
                systemId.isEmpty() && inProcess ? InProcessSmsc.SYSTEM_ID : systemId,
                password,
                k.text("sms.system-type"),
                source,
                k.integer("sms.tps", 1, 100_000),
                k.integer("sms.window", 1, 1000),
                k.duration("sms.enquire-link", Duration.ofSeconds(5), Duration.ofMinutes(10)),
                k.duration("sms.submit-timeout", Duration.ofMillis(100), Duration.ofMinutes(1)),
                k.duration("sms.reconnect-delay", Duration.ofMillis(100), Duration.ofMinutes(10)),
                longMessages,
                k.text("sms.lms-service-type"));
    }

    /** Settings for an in-process SMSC on {@code port}: the tests, the demo and the bench. */
    public static SmsSettings inProcess(int port, int tps, int window, LongMessages longMessages) {
        return new SmsSettings(
                true,
                true,
                "127.0.0.1",
                port,
                InProcessSmsc.SYSTEM_ID,
                Optional.of(InProcessSmsc.PASSWORD),
                "",
                "1339",
                tps,
                window,
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                Duration.ofMillis(200),
                longMessages,
                "LMS");
    }
}
