package io.checkpass.server.notify;

import java.util.Locale;

/** Where a notification is in its life; the id is {@code notification.state}. */
public enum NotificationState {
    /** Waiting for its time (quiet hours, the cap, a retry's backoff) or a dispatcher. */
    QUEUED,
    /** Claimed by a dispatcher, which is handing it to the channel. */
    SENDING,
    /** The provider accepted it; a receipt may follow. */
    SENT,
    /** The provider's receipt says it reached the phone (or the push service took it). */
    DELIVERED,
    /** The provider refused it for good, or its receipt says it was not delivered. */
    FAILED,
    /** Every attempt failed (max attempts): the dead letter, for an operator to look at. */
    DEAD,
    /** Not sent, on purpose: the person opted out of the channel, or has no address on it. */
    SUPPRESSED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static NotificationState parse(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
