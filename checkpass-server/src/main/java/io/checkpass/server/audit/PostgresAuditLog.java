package io.checkpass.server.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.crypto.Digests;
import io.checkpass.server.db.Transactions;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/** The audit log in the {@code audit_log} table; entry times come from the injected clock. */
public final class PostgresAuditLog implements AuditLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource db;
    private final Clock clock;

    public PostgresAuditLog(DataSource db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public void record(String actor, String action, String subject, Map<String, Object> detail) {
        try (Connection c = db.getConnection()) {
            record(c, actor, action, subject, detail);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the audit log (" + action + ")", e);
        }
    }

    /**
     * Appends an entry to the chain inside the caller's transaction: the chain's head row is locked until that
     * transaction ends, so concurrent writers extend the chain one after another and a rolled-back entry leaves
     * no trace in it. With an auto-commit connection the entry is its own transaction.
     */
    @Override
    public void record(Connection c, String actor, String action, String subject, Map<String, Object> detail)
            throws SQLException {
        String canonicalDetail;
        try {
            canonicalDetail = AuditChain.canonical(detail);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("audit detail is not JSON-able: " + e.getMessage(), e);
        }
        boolean ownTransaction = c.getAutoCommit();
        if (ownTransaction) {
            c.setAutoCommit(false);
        }
        try {
            byte[] prev;
            try (PreparedStatement s =
                            c.prepareStatement("select last_hash from audit_chain_head where id = 1 for update");
                    ResultSet r = s.executeQuery()) {
                r.next();
                prev = r.getBytes(1);
            }
            Instant at = AuditChain.stored(clock.instant());
            byte[] subjectDigest = AuditChain.subjectDigest(subject);
            byte[] detailDigest = Digests.sha256(canonicalDetail.getBytes(StandardCharsets.UTF_8));
            byte[] hash = AuditChain.hash(prev, at, actor, action, subjectDigest, detailDigest);
            long id;
            try (PreparedStatement s = c.prepareStatement("insert into audit_log"
                    + " (at, actor, action, subject, detail, subject_sha256, detail_sha256, prev_hash, hash)"
                    + " values (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?) returning id")) {
                s.setTimestamp(1, Timestamp.from(at));
                s.setString(2, actor);
                s.setString(3, action);
                s.setString(4, subject);
                s.setString(5, canonicalDetail);
                s.setBytes(6, subjectDigest);
                s.setBytes(7, detailDigest);
                s.setBytes(8, prev);
                s.setBytes(9, hash);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    id = r.getLong(1);
                }
            }
            try (PreparedStatement s =
                    c.prepareStatement("update audit_chain_head set last_id = ?, last_hash = ? where id = 1")) {
                s.setLong(1, id);
                s.setBytes(2, hash);
                s.executeUpdate();
            }
            if (ownTransaction) {
                c.commit();
            }
        } catch (SQLException | RuntimeException e) {
            if (ownTransaction) {
                Transactions.rollbackAfter(c, e);
            }
            throw e;
        } finally {
            if (ownTransaction) {
                c.setAutoCommit(true);
            }
        }
    }

    /** Actions whose entries name a person, a phone or a serial, and tie them to places, times or passes. */
    private static final List<String> IDENTITY_ACTIONS = List.of("trace", "trace-resolve", "revoke", "person-lookup");

    /** Detail fields that tie an identity to places, times or serials; after pseudonymisation only their counts stay. */
    private static final List<String> IDENTITY_DETAILS = List.of("visits", "serials");

    @Override
    public int pseudonymiseBefore(Instant before, UnaryOperator<String> pseudonym) {
        int done = 0;
        Instant now = clock.instant();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement select = c.prepareStatement("select id, subject, detail::text from audit_log"
                            + " where at < ? and pseudonymised_at is null and action = any(?) order by id limit 1000");
                    PreparedStatement update = c.prepareStatement("update audit_log set subject = ?, detail = ?::jsonb,"
                            + " pseudonymised_at = ? where id = ?")) {
                select.setTimestamp(1, Timestamp.from(before));
                select.setArray(2, c.createArrayOf("text", IDENTITY_ACTIONS.toArray()));
                try (ResultSet r = select.executeQuery()) {
                    while (r.next()) {
                        String subject = r.getString(2);
                        ObjectNode detail = (ObjectNode) AuditChain.parse(r.getString(3));
                        for (String field : IDENTITY_DETAILS) {
                            JsonNode value = detail.remove(field);
                            if (value != null) {
                                detail.put(field + "Count", value.size());
                            }
                        }
                        update.setString(1, subject == null ? null : pseudonym.apply(subject));
                        update.setString(2, detail.toString());
                        update.setTimestamp(3, Timestamp.from(now));
                        update.setLong(4, r.getLong(1));
                        update.addBatch();
                        done++;
                    }
                }
                update.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                Transactions.rollbackAfter(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot pseudonymise audit entries before " + before, e);
        }
        return done;
    }

    @Override
    public AuditChain.Check verifyChain() {
        byte[] prev = null;
        long entries = 0;
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false); // a cursor: the log is read in pages, not all at once
            try (PreparedStatement s = c.prepareStatement("select id, at, actor, action, subject, detail::text,"
                    + " subject_sha256, detail_sha256, prev_hash, hash, pseudonymised_at is not null"
                    + " from audit_log where hash is not null order by id")) {
                s.setFetchSize(1000);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        long id = r.getLong(1);
                        byte[] subjectDigest = r.getBytes(7);
                        byte[] detailDigest = r.getBytes(8);
                        byte[] storedPrev = r.getBytes(9);
                        if (!Arrays.equals(storedPrev, prev == null ? AuditChain.GENESIS : prev)) {
                            return new AuditChain.Check.Broken(
                                    id,
                                    "it does not follow the entry before it in the chain"
                                            + " (an entry was deleted or inserted)");
                        }
                        // A pseudonymised entry's subject and detail were rewritten on purpose: the chain holds over
                        // the digests of what they were.
                        boolean pseudonymised = r.getBoolean(11);
                        if (!pseudonymised && !Arrays.equals(subjectDigest, AuditChain.subjectDigest(r.getString(5)))) {
                            return new AuditChain.Check.Broken(id, "its subject was changed");
                        }
                        String detail = AuditChain.canonical(AuditChain.parse(r.getString(6)));
                        if (!pseudonymised
                                && !Arrays.equals(
                                        detailDigest, Digests.sha256(detail.getBytes(StandardCharsets.UTF_8)))) {
                            return new AuditChain.Check.Broken(id, "its detail was changed");
                        }
                        byte[] hash = AuditChain.hash(
                                storedPrev,
                                r.getTimestamp(2).toInstant(),
                                r.getString(3),
                                r.getString(4),
                                subjectDigest,
                                detailDigest);
                        if (!Arrays.equals(hash, r.getBytes(10))) {
                            return new AuditChain.Check.Broken(id, "its time, actor or action was changed");
                        }
                        prev = hash;
                        entries++;
                    }
                }
            }
            try (PreparedStatement s =
                            c.prepareStatement("select last_id, last_hash from audit_chain_head where id = 1");
                    ResultSet r = s.executeQuery()) {
                r.next();
                if (!Arrays.equals(r.getBytes(2), prev == null ? AuditChain.GENESIS : prev)) {
                    return new AuditChain.Check.Broken(
                            r.getLong(1), "it is missing: the chain's head names it, the log ends before it");
                }
            }
            c.rollback();
            return new AuditChain.Check.Intact(entries);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the audit log", e);
        }
    }

    @Override
    public List<Entry> read(Instant from, Instant to, int limit, Optional<String> action) {
        List<Entry> out = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "select id, at, actor, action, subject, detail::text from audit_log"
                                + " where at >= ? and at < ? and (?::text is null or action = ?) order by id desc limit ?")) {
            s.setTimestamp(1, Timestamp.from(from));
            s.setTimestamp(2, Timestamp.from(to));
            s.setString(3, action.orElse(null));
            s.setString(4, action.orElse(null));
            s.setInt(5, limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Entry(
                            r.getLong(1),
                            r.getTimestamp(2).toInstant(),
                            r.getString(3),
                            r.getString(4),
                            r.getString(5),
                            JSON.readValue(r.getString(6), new TypeReference<Map<String, Object>>() {})));
                }
            }
            return out;
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("cannot read the audit log", e);
        }
    }
}
