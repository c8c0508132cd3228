package io.checkpass.server.notify;

import java.util.Locale;

/**
 * What a notification is about. The id is what the database ({@code notification.kind}), the API and the console
 * use.
 */
public enum NotificationKind {
    /** A status ends in 14, 7 or 1 days. Held in quiet hours; counts towards the daily cap. */
    EXPIRY_REMINDER(false, true),
    /** A booster has become due. Held in quiet hours; counts towards the daily cap. */
    BOOSTER_DUE(false, true),
    /** A lab result (PCR or antigen) was posted: it goes at once, day or night, and is never capped. */
    LAB_RESULT(true, false),
    /** A decree broadcast to everyone subscribed. Held in quiet hours; counts towards the daily cap. */
    DECREE(false, true);

    private final boolean quietExempt;
    private final boolean capped;

    NotificationKind(boolean quietExempt, boolean capped) {
        this.quietExempt = quietExempt;
        this.capped = capped;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether it may be sent in quiet hours. */
    public boolean quietExempt() {
        return quietExempt;
    }

    /** Whether it counts towards, and is held by, the per-person daily cap. */
    public boolean capped() {
        return capped;
    }

    public static NotificationKind parse(String id) {
        for (NotificationKind kind : values()) {
            if (kind.id().equals(id)) {
                return kind;
            }
        }
        throw new IllegalArgumentException(
                "unknown notification kind '" + id + "'; kinds are expiry_reminder, booster_due, lab_result, decree");
    }
}
