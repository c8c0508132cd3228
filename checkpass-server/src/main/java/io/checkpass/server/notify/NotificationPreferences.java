package io.checkpass.server.notify;

import io.checkpass.core.registry.PersonId;
import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.db.Transactions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A person's notification choices: opt-out per channel and the language of messages (table
 * {@code notification_preference}). Absent means everything on, in Korean. Every change is audited in its own
 * transaction. A row already queued for a channel the person then leaves is suppressed when its turn comes.
 */
public final class NotificationPreferences {
    private final DataSource db;
    private final AuditLog audit;
    private final Clock clock;

    public NotificationPreferences(DataSource db, AuditLog audit, Clock clock) {
        this.db = db;
        this.audit = audit;
        this.clock = clock;
    }

    /** One person's choices. */
    public record Preference(boolean smsOptOut, boolean pushOptOut, Locale locale) {
        public static final Preference DEFAULT = new Preference(false, false, Locale.KOREAN);

        public boolean optedOut(NotificationChannel.Kind channel) {
            return channel == NotificationChannel.Kind.SMS ? smsOptOut : pushOptOut;
        }
    }

    /** A change; empty fields stay as they are. */
    public record Change(Optional<Boolean> smsOptOut, Optional<Boolean> pushOptOut, Optional<Locale> locale) {}

    /** What a change did. */
    public sealed interface Outcome {
        record Changed(Preference preference) implements Outcome {}

        record UnknownPerson(PersonId person) implements Outcome {}
    }

    /** The person's choices; the defaults for a person who made none (or is unknown). */
    public Preference get(PersonId person) {
        return Transactions.inTransaction(db, "cannot read notification preferences", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "select sms_opt_out, push_opt_out, locale from notification_preference where person_id = ?")) {
                s.setString(1, person.value());
                try (ResultSet r = s.executeQuery()) {
                    return r.next()
                            ? new Preference(r.getBoolean(1), r.getBoolean(2), Locale.forLanguageTag(r.getString(3)))
                            : Preference.DEFAULT;
                }
            }
        });
    }

    /** Changes the person's choices, audited as {@code notify-preference} by {@code actor}. */
    public Outcome change(String actor, PersonId person, Change change) {
        return Transactions.inTransaction(db, "cannot change notification preferences", c -> {
            try (PreparedStatement s = c.prepareStatement("select 1 from person where person_id = ?")) {
                s.setString(1, person.value());
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return new Outcome.UnknownPerson(person);
                    }
                }
            }
            Preference p;
            try (PreparedStatement s = c.prepareStatement("""
                    insert into notification_preference (person_id, sms_opt_out, push_opt_out, locale, updated_at)
                    values (?, coalesce(?, false), coalesce(?, false), coalesce(?, 'ko'), ?)
                    on conflict (person_id) do update set
                        sms_opt_out = coalesce(?, notification_preference.sms_opt_out),
                        push_opt_out = coalesce(?, notification_preference.push_opt_out),
                        locale = coalesce(?, notification_preference.locale),
                        updated_at = excluded.updated_at
                    returning sms_opt_out, push_opt_out, locale""")) {
                Boolean sms = change.smsOptOut().orElse(null);
                Boolean push = change.pushOptOut().orElse(null);
                String locale = change.locale().map(Locale::getLanguage).orElse(null);
                s.setObject(1, person.value());
                s.setObject(2, sms, java.sql.Types.BOOLEAN);
                s.setObject(3, push, java.sql.Types.BOOLEAN);
                s.setString(4, locale);
                s.setTimestamp(5, Timestamp.from(clock.instant()));
                s.setObject(6, sms, java.sql.Types.BOOLEAN);
                s.setObject(7, push, java.sql.Types.BOOLEAN);
                s.setString(8, locale);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    p = new Preference(r.getBoolean(1), r.getBoolean(2), Locale.forLanguageTag(r.getString(3)));
                }
            }
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("smsOptOut", p.smsOptOut());
            detail.put("pushOptOut", p.pushOptOut());
            detail.put("locale", p.locale().getLanguage());
            audit.record(c, actor, "notify-preference", person.value(), detail);
            return new Outcome.Changed(p);
        });
    }
}
