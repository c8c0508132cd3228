package io.checkpass.server.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.server.db.Transactions;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The notification outbox in PostgreSQL (table {@code notification}, migration V13): rows are created once per
 * (person, kind, due date, channel, subject), claimed by dispatchers with {@code FOR UPDATE SKIP LOCKED} so two
 * nodes never take one row, and settled in batches. Every time is the caller's (an injected clock), never the
 * database's {@code now()}.
 */
public final class Outbox {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> PARAMS = new TypeReference<>() {};

    private final DataSource db;

    public Outbox(DataSource db) {
        this.db = db;
    }

    /**
     * A notification to create.
     *
     * @param subject   tells apart two of one kind on one day ('' for reminders)
     * @param notBefore not sent before this instant
     */
    public record NewNotification(
            String personId,
            NotificationKind kind,
            LocalDate dueDate,
            NotificationChannel.Kind channel,
            String subject,
            String template,
            Map<String, String> params,
            Instant notBefore) {}

    /**
     * A row a dispatcher claimed, with what it needs to send: the person's phone and choices.
     *
     * @param phone     the person's phone in the registry, or null
     * @param optedOut  whether the person opted out of this row's channel
     * @param locale    the person's language (Korean unless they chose English)
     * @param attempts  failed attempts so far
     */
    public record Claimed(
            long id,
            String personId,
            NotificationKind kind,
            LocalDate dueDate,
            NotificationChannel.Kind channel,
            String template,
            Map<String, String> params,
            int attempts,
            Instant createdAt,
            String phone,
            boolean optedOut,
            Locale locale) {}

    /** What became of a claimed row. */
    public sealed interface Settlement {
        long id();

        record Sent(long id, String providerMessageId) implements Settlement {}

        /** Back to the queue until {@code at}; {@code failed} says whether it counts as a failed attempt. */
        record Requeued(long id, Instant at, boolean failed, String reason) implements Settlement {}

        record Failed(long id, String reason) implements Settlement {}

        record Dead(long id, String reason) implements Settlement {}

        record Suppressed(long id, String reason) implements Settlement {}
    }

    /** Creates the notifications that do not exist yet; returns how many were new. */
    public int enqueue(List<NewNotification> notifications, Instant now) {
        if (notifications.isEmpty()) {
            return 0;
        }
        return Transactions.inTransaction(db, "cannot queue notifications", c -> enqueue(c, notifications, now));
    }

    /** As {@link #enqueue(List, Instant)}, inside the caller's transaction. */
    public int enqueue(Connection c, List<NewNotification> notifications, Instant now) throws SQLException {
        int n = notifications.size();
        String[] persons = new String[n], kinds = new String[n], dues = new String[n], channels = new String[n];
        String[] subjects = new String[n], templates = new String[n], params = new String[n], notBefore = new String[n];
        Boolean[] exempt = new Boolean[n];
        for (int i = 0; i < n; i++) {
            NewNotification x = notifications.get(i);
            persons[i] = x.personId();
            kinds[i] = x.kind().id();
            dues[i] = x.dueDate().toString();
            channels[i] = x.channel().id();
            subjects[i] = x.subject();
            templates[i] = x.template();
            params[i] = json(x.params());
            notBefore[i] = x.notBefore().toString();
            exempt[i] = x.kind().quietExempt();
        }
        try (PreparedStatement s = c.prepareStatement("""
                insert into notification (person_id, kind, due_date, channel, subject, template, params, quiet_exempt,
                                          created_at, next_attempt_at)
                select u.p, u.k, u.d::date, u.ch, u.s, u.t, u.pa::jsonb, u.q, ?, u.nb::timestamptz
                from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::boolean[],
                            ?::text[]) as u(p, k, d, ch, s, t, pa, q, nb)
                on conflict on constraint notification_once do nothing""")) {
            s.setTimestamp(1, Timestamp.from(now));
            s.setArray(2, c.createArrayOf("text", persons));
            s.setArray(3, c.createArrayOf("text", kinds));
            s.setArray(4, c.createArrayOf("text", dues));
            s.setArray(5, c.createArrayOf("text", channels));
            s.setArray(6, c.createArrayOf("text", subjects));
            s.setArray(7, c.createArrayOf("text", templates));
            s.setArray(8, c.createArrayOf("text", params));
            s.setArray(9, c.createArrayOf("boolean", exempt));
            s.setArray(10, c.createArrayOf("text", notBefore));
            return s.executeUpdate();
        }
    }

    /**
     * Returns rows whose dispatcher died (its lease ran out while they were 'sending') to the queue. A message the
     * dead node handed to the provider just before it died may then go twice; nothing is lost.
     */
    public int reclaimExpired(Instant now) {
        return Transactions.inTransaction(db, "cannot reclaim notifications", c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    update notification set state = 'queued', claimed_until = null, next_attempt_at = ?
                    where state = 'sending' and claimed_until < ?""")) {
                s.setTimestamp(1, Timestamp.from(now));
                s.setTimestamp(2, Timestamp.from(now));
                return s.executeUpdate();
            }
        });
    }

    /**
     * Claims up to {@code limit} due rows for this dispatcher until {@code now + lease}, oldest due first. Rows
     * another dispatcher holds locked are skipped, not waited for; in quiet hours only the rows exempt from them
     * (lab results) are due.
     */
    public List<Claimed> claim(int limit, Instant now, boolean quietHours, Duration lease) {
        return Transactions.inTransaction(db, "cannot claim notifications", c -> {
            List<Claimed> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    with due as (
                        select id from notification
                        where state = 'queued' and next_attempt_at <= ? and (quiet_exempt or not ?)
                        order by next_attempt_at
                        limit ?
                        for update skip locked)
                    update notification n set state = 'sending', claimed_until = ?
                    from due where n.id = due.id
                    returning n.id, n.person_id, n.kind, n.due_date, n.channel, n.template, n.params::text, n.attempts,
                        n.created_at,
                        (select p.phone from person p where p.person_id = n.person_id),
                        coalesce((select case n.channel when 'sms' then f.sms_opt_out else f.push_opt_out end
                                  from notification_preference f where f.person_id = n.person_id), false),
                        coalesce((select f.locale from notification_preference f where f.person_id = n.person_id),
                                 'ko')""")) {
                s.setTimestamp(1, Timestamp.from(now));
                s.setBoolean(2, quietHours);
                s.setInt(3, limit);
                s.setTimestamp(4, Timestamp.from(now.plus(lease)));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(new Claimed(
                                r.getLong(1),
                                r.getString(2),
                                NotificationKind.parse(r.getString(3)),
                                r.getDate(4).toLocalDate(),
                                channel(r.getString(5)),
                                r.getString(6),
                                params(r.getString(7)),
                                r.getInt(8),
                                r.getTimestamp(9).toInstant(),
                                r.getString(10),
                                r.getBoolean(11),
                                Locale.forLanguageTag(r.getString(12))));
                    }
                }
            }
            return out;
        });
    }

    /**
     * How many capped notifications each of {@code persons} was sent on {@code channel} since {@code since} (the
     * start of the local day).
     */
    public Map<String, Integer> sentSince(List<String> persons, NotificationChannel.Kind channel, Instant since) {
        if (persons.isEmpty()) {
            return Map.of();
        }
        return Transactions.inTransaction(db, "cannot count notifications", c -> {
            Map<String, Integer> counts = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement("""
                    select person_id, count(*) from notification
                    where person_id = any(?) and channel = ? and sent_at >= ? and kind <> 'lab_result'
                    group by person_id""")) {
                s.setArray(1, c.createArrayOf("text", persons.toArray()));
                s.setString(2, channel.id());
                s.setTimestamp(3, Timestamp.from(since));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        counts.put(r.getString(1), r.getInt(2));
                    }
                }
            }
            return counts;
        });
    }

    /**
     * Settles claimed rows in one transaction, then applies any receipt that arrived before its message's id was
     * stored here.
     */
    public void settle(List<Settlement> settlements, Instant now) {
        if (settlements.isEmpty()) {
            return;
        }
        int n = settlements.size();
        Long[] ids = new Long[n];
        String[] states = new String[n], nextAt = new String[n], errors = new String[n], providerIds = new String[n];
        Integer[] failed = new Integer[n];
        for (int i = 0; i < n; i++) {
            Settlement x = settlements.get(i);
            ids[i] = x.id();
            failed[i] = 0;
            switch (x) {
                case Settlement.Sent sent -> {
                    states[i] = NotificationState.SENT.id();
                    providerIds[i] = sent.providerMessageId();
                }
                case Settlement.Requeued q -> {
                    states[i] = NotificationState.QUEUED.id();
                    nextAt[i] = q.at().toString();
                    failed[i] = q.failed() ? 1 : 0;
                    errors[i] = q.reason();
                }
                case Settlement.Failed f -> {
                    states[i] = NotificationState.FAILED.id();
                    failed[i] = 1;
                    errors[i] = f.reason();
                }
                case Settlement.Dead d -> {
                    states[i] = NotificationState.DEAD.id();
                    failed[i] = 1;
                    errors[i] = d.reason();
                }
                case Settlement.Suppressed s -> {
                    states[i] = NotificationState.SUPPRESSED.id();
                    errors[i] = s.reason();
                }
            }
        }
        Transactions.inTransaction(db, "cannot settle notifications", c -> {
            Array idArray = c.createArrayOf("bigint", ids);
            try (PreparedStatement s = c.prepareStatement("""
                    update notification n set
                        state = u.st,
                        claimed_until = null,
                        attempts = n.attempts + u.failed,
                        next_attempt_at = coalesce(u.next_at::timestamptz, n.next_attempt_at),
                        last_error = coalesce(u.err, n.last_error),
                        provider_message_id = coalesce(u.pid, n.provider_message_id),
                        sent_at = case when u.st = 'sent' then ? else n.sent_at end,
                        finished_at = case when u.st in ('failed', 'dead', 'suppressed') then ? else n.finished_at end
                    from unnest(?::bigint[], ?::text[], ?::text[], ?::int[], ?::text[], ?::text[])
                        as u(id, st, next_at, failed, err, pid)
                    where n.id = u.id and n.state = 'sending'""")) {
                s.setTimestamp(1, Timestamp.from(now));
                s.setTimestamp(2, Timestamp.from(now));
                s.setArray(3, idArray);
                s.setArray(4, c.createArrayOf("text", states));
                s.setArray(5, c.createArrayOf("text", nextAt));
                s.setArray(6, c.createArrayOf("int", failed));
                s.setArray(7, c.createArrayOf("text", errors));
                s.setArray(8, c.createArrayOf("text", providerIds));
                s.executeUpdate();
            }
            applyReceipts(c, "n.id = any(?)", idArray);
            return null;
        });
    }

    /**
     * Settles the 'sent' rows with a stored receipt, among those {@code filter} selects (an SQL condition with one
     * array parameter, or none when {@code values} is null): the one statement by which a receipt reaches its row,
     * whichever side comes second.
     */
    private static int applyReceipts(Connection c, String filter, Array values) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                update notification n set
                    state = case when r.delivered then 'delivered' else 'failed' end,
                    finished_at = r.received_at,
                    last_error = case when r.delivered then n.last_error else r.detail end
                from notification_receipt r
                where n.state = 'sent' and r.channel = n.channel and r.provider_message_id = n.provider_message_id
                  and %s""".formatted(filter))) {
            if (values != null) {
                s.setArray(1, values);
            }
            return s.executeUpdate();
        }
    }

    /**
     * Applies every stored receipt whose row is 'sent'. A receipt committed while its row's settlement was in flight
     * is seen by neither transaction (each ran before the other committed); this catches it up. Dispatchers run it
     * when idle and every second.
     *
     * @return how many rows it settled
     */
    public int applyHeldReceipts() {
        return Transactions.inTransaction(db, "cannot apply delivery receipts", c -> applyReceipts(c, "true", null));
    }

    /** A receipt as a channel reported it. */
    public record Receipt(
            NotificationChannel.Kind channel, String providerMessageId, boolean delivered, String detail, Instant at) {}

    /**
     * Stores receipts and applies each to its row if the row is known ('sent' with that provider id); a receipt for
     * a row not yet marked sent stays stored, and {@link #settle} applies it when the row is.
     */
    public void recordReceipts(List<Receipt> receipts) {
        if (receipts.isEmpty()) {
            return;
        }
        int n = receipts.size();
        String[] channels = new String[n], ids = new String[n], details = new String[n], ats = new String[n];
        Boolean[] delivered = new Boolean[n];
        for (int i = 0; i < n; i++) {
            Receipt r = receipts.get(i);
            channels[i] = r.channel().id();
            ids[i] = r.providerMessageId();
            delivered[i] = r.delivered();
            details[i] = r.detail();
            ats[i] = r.at().toString();
        }
        Transactions.inTransaction(db, "cannot record delivery receipts", c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    insert into notification_receipt (channel, provider_message_id, delivered, detail, received_at)
                    select u.ch, u.id, u.dl, u.dt, u.at::timestamptz
                    from unnest(?::text[], ?::text[], ?::boolean[], ?::text[], ?::text[]) as u(ch, id, dl, dt, at)
                    on conflict do nothing""")) {
                s.setArray(1, c.createArrayOf("text", channels));
                s.setArray(2, c.createArrayOf("text", ids));
                s.setArray(3, c.createArrayOf("boolean", delivered));
                s.setArray(4, c.createArrayOf("text", details));
                s.setArray(5, c.createArrayOf("text", ats));
                s.executeUpdate();
            }
            applyReceipts(c, "r.provider_message_id = any(?)", c.createArrayOf("text", ids));
            return null;
        });
    }

    /**
     * The persons with a test result at or after {@code since} that has no lab-result notification on any channel
     * (the sweep behind the lab route's hook; the subject is {@code KIND@epoch-second}, as the scheduler makes it).
     */
    public List<String> personsWithUnnotifiedTests(Instant since) {
        return Transactions.inTransaction(db, "cannot sweep lab results", c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    select distinct t.person_id from test_result t
                    where t.result_at >= ?
                      and not exists (select 1 from notification n
                                      where n.person_id = t.person_id and n.kind = 'lab_result'
                                        and n.subject = t.kind || '@' || floor(extract(epoch from t.result_at))::bigint)""")) {
                s.setTimestamp(1, Timestamp.from(since));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(r.getString(1));
                    }
                }
            }
            return out;
        });
    }

    /** Counts by state, kind and channel: the console's Notifications view. */
    public record Count(NotificationState state, NotificationKind kind, NotificationChannel.Kind channel, long count) {}

    public List<Count> counts() {
        return Transactions.inTransaction(db, "cannot count notifications", c -> {
            List<Count> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                            "select state, kind, channel, count(*) from notification group by 1, 2, 3 order by 1, 2, 3");
                    ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Count(
                            NotificationState.parse(r.getString(1)),
                            NotificationKind.parse(r.getString(2)),
                            channel(r.getString(3)),
                            r.getLong(4)));
                }
            }
            return out;
        });
    }

    /** One row as the console lists it (no phone number, no text: the person's id and what happened). */
    public record Row(
            long id,
            String personId,
            NotificationKind kind,
            LocalDate dueDate,
            NotificationChannel.Kind channel,
            NotificationState state,
            int attempts,
            Instant createdAt,
            Optional<Instant> sentAt,
            Optional<Instant> finishedAt,
            Optional<String> lastError) {}

    /** The newest rows, optionally in one state, at most {@code limit}. */
    public List<Row> recent(Optional<NotificationState> state, int limit) {
        return Transactions.inTransaction(db, "cannot list notifications", c -> {
            List<Row> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    select id, person_id, kind, due_date, channel, state, attempts, created_at, sent_at, finished_at,
                           last_error
                    from notification where (?::text is null or state = ?) order by id desc limit ?""")) {
                s.setString(1, state.map(NotificationState::id).orElse(null));
                s.setString(2, state.map(NotificationState::id).orElse(null));
                s.setInt(3, limit);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(new Row(
                                r.getLong(1),
                                r.getString(2),
                                NotificationKind.parse(r.getString(3)),
                                r.getDate(4).toLocalDate(),
                                channel(r.getString(5)),
                                NotificationState.parse(r.getString(6)),
                                r.getInt(7),
                                r.getTimestamp(8).toInstant(),
                                Optional.ofNullable(r.getTimestamp(9)).map(Timestamp::toInstant),
                                Optional.ofNullable(r.getTimestamp(10)).map(Timestamp::toInstant),
                                Optional.ofNullable(r.getString(11))));
                    }
                }
            }
            return out;
        });
    }

    static NotificationChannel.Kind channel(String id) {
        for (NotificationChannel.Kind k : NotificationChannel.Kind.values()) {
            if (k.id().equals(id)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown channel '" + id + "'; channels are sms, push");
    }

    static String json(Map<String, String> params) {
        try {
            return JSON.writeValueAsString(new LinkedHashMap<>(params));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> params(String json) {
        try {
            return JSON.readValue(json, PARAMS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a notification's params are not JSON", e);
        }
    }
}
