package io.checkpass.server.sip;

import io.checkpass.server.db.GroupCommit;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The calls every centre node agrees on, in table {@code visits.call_in} (migration V17). Behind a balancer, a
 * trunk's re-sent INVITE may reach another node than the first copy did; that node's own {@link RecentCalls} has
 * never seen the call and would log it again under a new scan time. So the first node to hear a call records the
 * check-in it logs, and every node logs the recorded one: the visit log's idempotency on (id, scanned_at) then
 * stores the call once, whichever nodes heard it.
 *
 * <p>Lookups are group-committed (one statement for all the calls waiting), like the check-ins themselves, so the
 * SIP endpoint still holds one database connection for this however many calls arrive. Rows older than the call
 * memory are deleted by the writer, at most once a minute.
 */
public final class SharedCalls implements AutoCloseable {
    private static final Duration PRUNE_INTERVAL = Duration.ofMinutes(1);
    private static final String AGREE = """
            insert into visits.call_in (call_key, checkin_id, scanned_at)
            select * from unnest(?::bytea[], ?::uuid[], ?::text[]::timestamptz[])
            on conflict (call_key) do update set call_key = excluded.call_key
            returning call_key, checkin_id, scanned_at""";

    private record Proposal(byte[] key, RecentCalls.Call call) {}

    private final DataSource db;
    private final Clock clock;
    private final Duration memory;
    private final GroupCommit<Proposal, RecentCalls.Call> group;
    private Instant prunedAt = Instant.MIN;

    /**
     * @param db     the visits role's pool
     * @param memory how long a call is remembered (sip call memory); older rows are deleted
     */
    public SharedCalls(DataSource db, Clock clock, Duration memory) {
        this.db = db;
        this.clock = clock;
        this.memory = memory;
        this.group = new GroupCommit<>("sip-shared-calls", this::agree, 10_000, 500);
    }

    /**
     * The check-in this call logs on every node: {@code proposed} if this node is the first to record the call,
     * else the one recorded first. Blocks until the record is committed.
     */
    RecentCalls.Call agree(String callId, String fromTag, RecentCalls.Call proposed) {
        return group.submitAll(List.of(new Proposal(key(callId, fromTag), proposed)))
                .getFirst();
    }

    private List<RecentCalls.Call> agree(List<Proposal> batch) {
        // One row per call in a statement: ON CONFLICT DO UPDATE may not touch a row twice.
        Map<String, Proposal> distinct = new LinkedHashMap<>();
        for (Proposal p : batch) {
            distinct.putIfAbsent(HexFormat.of().formatHex(p.key()), p);
        }
        Map<String, RecentCalls.Call> agreed = new LinkedHashMap<>();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(true);
            try (PreparedStatement s = c.prepareStatement(AGREE)) {
                s.setArray(
                        1,
                        c.createArrayOf(
                                "bytea",
                                distinct.values().stream().map(Proposal::key).toArray(byte[][]::new)));
                s.setArray(
                        2,
                        c.createArrayOf(
                                "uuid",
                                distinct.values().stream()
                                        .map(p -> p.call().checkInId())
                                        .toArray(UUID[]::new)));
                s.setArray(
                        3,
                        c.createArrayOf(
                                "text",
                                distinct.values().stream()
                                        .map(p -> p.call().scannedAt().toString())
                                        .toArray(String[]::new)));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        agreed.put(
                                HexFormat.of().formatHex(r.getBytes(1)),
                                new RecentCalls.Call(
                                        r.getObject(2, UUID.class),
                                        r.getTimestamp(3).toInstant()));
                    }
                }
            }
            pruneIfDue(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the calls: " + e.getMessage(), e);
        }
        List<RecentCalls.Call> out = new ArrayList<>(batch.size());
        for (Proposal p : batch) {
            RecentCalls.Call call = agreed.get(HexFormat.of().formatHex(p.key()));
            if (call == null) {
                throw new IllegalStateException("the database returned no row for a recorded call");
            }
            out.add(call);
        }
        return out;
    }

    private void pruneIfDue(Connection c) throws SQLException {
        Instant now = clock.instant();
        if (now.isBefore(prunedAt.plus(PRUNE_INTERVAL))) {
            return;
        }
        prunedAt = now;
        try (PreparedStatement s = c.prepareStatement("delete from visits.call_in where scanned_at < ?")) {
            s.setTimestamp(1, Timestamp.from(now.minus(memory)));
            s.executeUpdate();
        }
    }

    /** SHA-256(Call-ID "\n" From tag): the table holds no identifier of a caller. */
    static byte[] key(String callId, String fromTag) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest((callId + '\n' + fromTag).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
    }

    @Override
    public void close() {
        group.close();
    }
}
