package io.checkpass.server.notify;

import java.util.Locale;

/**
 * A way to reach a person (SMS through an SMSC, Web Push to a wallet, later a KakaoTalk-style message API). The
 * outbox hands a channel one message at a time; the channel says what became of it. Channels never throw for
 * a refusal by the provider: that is a {@link SendResult}.
 */
public interface NotificationChannel extends AutoCloseable {

    /** Which channel this is; the outbox keeps one row per person, kind, due date and channel. */
    Kind kind();

    /**
     * Sends one message, blocking until the provider has accepted or refused it (or a timeout). Safe to call from
     * many virtual threads at once: a channel applies its own window and rate.
     */
    SendResult send(Message message);

    /** The channels the centre knows. The id is what the database, config and console use. */
    enum Kind {
        SMS("sms"),
        PUSH("push");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    /**
     * One message for one recipient.
     *
     * @param notificationId the outbox row's id; a channel passes it to the provider where it can, so that a
     *     receipt or a retry is matched to the row
     * @param address where to: an E.164-less Korean mobile number in digits for SMS (as {@code PhoneNumber}
     *     canonicalises it), a push subscription's id for PUSH
     * @param title a short title (push notifications show it; SMS ignores it)
     * @param body the text, already rendered from its template in the recipient's language
     * @param link an absolute https link the message carries, or null
     */
    record Message(long notificationId, String address, String title, String body, String link, Locale locale) {}

    /** What the provider did with a message. */
    sealed interface SendResult {
        /** Accepted by the provider; a delivery receipt may follow, matched by providerMessageId. */
        record Accepted(String providerMessageId) implements SendResult {}

        /** Not sent now (provider down, throttled, timeout): the outbox retries with backoff. */
        record RetryLater(String reason) implements SendResult {}

        /** Refused for good (invalid number, subscription gone): the outbox marks the row failed. */
        record Rejected(String reason) implements SendResult {}
    }

    @Override
    void close();
}
