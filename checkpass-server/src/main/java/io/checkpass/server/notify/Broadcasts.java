package io.checkpass.server.notify;

import io.checkpass.core.time.KoreaTime;
import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.db.Transactions;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A decree broadcast ("the pass is not enforced today"): one SMS row for every person with a phone who has not
 * opted out of SMS, made in one statement and one transaction with the broadcast's record and its audit entry.
 * (Push rows for broadcasts need the push subscriptions' table; the push helper's part.)
 */
public final class Broadcasts {
    /** The longest text, per language: the decree template is one LMS at this length (NotificationTemplatesTest). */
    public static final int MAX_TEXT_CHARS = 900;

    private final DataSource db;
    private final AuditLog audit;
    private final Clock clock;
    private final boolean sending;

    /** @param sending whether this centre sends notifications ({@code notify.enabled}); if not, broadcasts are refused */
    public Broadcasts(DataSource db, AuditLog audit, Clock clock, boolean sending) {
        this.db = db;
        this.audit = audit;
        this.clock = clock;
        this.sending = sending;
    }

    /** What a broadcast request came to. */
    public sealed interface Outcome {
        record Queued(long broadcastId, long notifications) implements Outcome {}

        /** The text is empty or too long; {@code problems} says which. */
        record Invalid(List<String> problems) implements Outcome {}
    }

    /** Queues a broadcast in Korean and English, audited as {@code notify-broadcast} by {@code actor}. */
    public Outcome send(String actor, String korean, String english) {
        List<String> problems = new java.util.ArrayList<>();
        if (!sending) {
            // Queued now and sent whenever notifications are turned on, "not enforced today" would reach people on
            // some other day.
            problems.add("notifications are off on this centre (notify.enabled: false); a broadcast would not be sent");
        }
        check("textKo", korean, problems);
        check("textEn", english, problems);
        if (!problems.isEmpty()) {
            return new Outcome.Invalid(problems);
        }
        Instant now = clock.instant();
        LocalDate today = now.atZone(KoreaTime.KST).toLocalDate();
        return Transactions.inTransaction(db, "cannot queue a broadcast", c -> {
            long id;
            try (PreparedStatement s = c.prepareStatement("""
                    insert into notification_broadcast (created_at, actor, due_date, text_ko, text_en, queued)
                    values (?, ?, ?, ?, ?, 0) returning id""")) {
                s.setTimestamp(1, Timestamp.from(now));
                s.setString(2, actor);
                s.setDate(3, Date.valueOf(today));
                s.setString(4, korean);
                s.setString(5, english);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    id = r.getLong(1);
                }
            }
            long queued;
            try (PreparedStatement s = c.prepareStatement("""
                    insert into notification (person_id, kind, due_date, channel, subject, template, params,
                                              quiet_exempt, created_at, next_attempt_at)
                    select p.person_id, 'decree', ?, 'sms', ?, 'decree',
                           jsonb_build_object('text', case when f.locale = 'en' then ? else ? end), false, ?, ?
                    from person p left join notification_preference f on f.person_id = p.person_id
                    where p.phone is not null and not coalesce(f.sms_opt_out, false)
                    on conflict on constraint notification_once do nothing""")) {
                s.setDate(1, Date.valueOf(today));
                s.setString(2, "broadcast-" + id);
                s.setString(3, english);
                s.setString(4, korean);
                s.setTimestamp(5, Timestamp.from(now));
                s.setTimestamp(6, Timestamp.from(now));
                queued = s.executeUpdate();
            }
            try (PreparedStatement s =
                    c.prepareStatement("update notification_broadcast set queued = ? where id = ?")) {
                s.setLong(1, queued);
                s.setLong(2, id);
                s.executeUpdate();
            }
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("broadcast", id);
            detail.put("queued", queued);
            detail.put("textKo", korean);
            detail.put("textEn", english);
            audit.record(c, actor, "notify-broadcast", "broadcast-" + id, detail);
            return new Outcome.Queued(id, queued);
        });
    }

    private static void check(String field, String text, List<String> problems) {
        if (text == null || text.isBlank()) {
            problems.add(field + " is empty");
        } else if (text.length() > MAX_TEXT_CHARS) {
            problems.add(field + " is " + text.length() + " characters; at most " + MAX_TEXT_CHARS + " fit one LMS");
        }
    }
}
