package io.checkpass.server.visits;

import io.checkpass.core.pass.Serial;
import io.checkpass.server.db.CopyText;
import io.checkpass.server.db.SqlStates;
import io.checkpass.server.db.Transactions;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * The visit log in PostgreSQL. A batch is COPYed into a session temp table and moved into the partitioned
 * {@code checkin} table with {@code ON CONFLICT DO NOTHING} on (id, scanned_at), all in one transaction: the
 * caller's 202 means the whole batch is committed, and a retried batch stores nothing twice. COPY is the
 * fastest way into PostgreSQL (docs/principles.md §9: 150–250k rows/s).
 */
public final class PostgresCheckInLog implements CheckInLog {
    private static final HexFormat HEX = HexFormat.of();

    private final DataSource db;
    private final ContactCipher cipher;
    private final Clock clock;

    public PostgresCheckInLog(DataSource db, ContactCipher cipher, Clock clock) {
        this.db = db;
        this.cipher = cipher;
        this.clock = clock;
    }

    @Override
    public Stored append(List<CheckIn> batch) {
        if (batch.isEmpty()) {
            return new Stored(0, 0);
        }
        int inserted = appendWithRetries(batch, s -> s.executeUpdate(INSERT_NEW));
        return new Stored(inserted, batch.size() - inserted);
    }

    @Override
    public List<Boolean> appendEach(List<CheckIn> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        Set<UUID> inserted = appendWithRetries(batch, s -> {
            Set<UUID> ids = new HashSet<>();
            try (ResultSet r = s.executeQuery(INSERT_NEW + " returning checkin_id")) {
                while (r.next()) {
                    ids.add(r.getObject(1, UUID.class));
                }
            }
            return ids;
        });
        // A check-in that appears twice in one batch is new once, then a duplicate.
        List<Boolean> out = new ArrayList<>(batch.size());
        for (CheckIn c : batch) {
            out.add(inserted.remove(c.id()));
        }
        return out;
    }

    private static final String INSERT_NEW =
            "insert into checkin select * from checkin_incoming order by checkin_id, scanned_at on conflict do nothing";

    /** Moves the staged rows into the log, in the staging transaction. */
    @FunctionalInterface
    private interface Insert<R> {
        R run(Statement s) throws SQLException;
    }

    private <R> R appendWithRetries(List<CheckIn> batch, Insert<R> insert) {
        String rows = copyText(batch, clock.instant());
        for (int attempt = 1; ; attempt++) {
            try {
                return appendOnce(batch, rows, insert);
            } catch (IllegalStateException e) {
                // Rows are inserted in key order, so concurrent overlapping uploads wait rather than deadlock; a
                // deadlock or serialisation failure can still come from elsewhere and is safe to retry.
                if (attempt == 3 || !(e.getCause() instanceof SQLException sql) || !SqlStates.isConflict(sql)) {
                    throw e;
                }
            }
        }
    }

    private <R> R appendOnce(List<CheckIn> batch, String rows, Insert<R> insert) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("create temp table if not exists checkin_incoming (like checkin) on commit delete rows");
                c.unwrap(PGConnection.class)
                        .getCopyAPI()
                        .copyIn(
                                "copy checkin_incoming (checkin_id, scanned_at, received_at, venue_id, scanner_id, channel, serial, pass_format,"
                                        + " pass_ref, contact_hmac, contact_enc, verdict, reason, check_method, venue_type, rule_set,"
                                        + " bundle_version) from stdin",
                                new StringReader(rows));
                R result = insert.run(s);
                c.commit();
                return result;
            } catch (SQLException | IOException | RuntimeException e) {
                Transactions.rollbackAfter(c, e);
                throw e;
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot store " + batch.size() + " check-ins: " + e.getMessage(), e);
        }
    }

    /** COPY text format: tab-separated, \N for null, bytea as \\x hex. */
    private String copyText(List<CheckIn> batch, Instant receivedAt) {
        StringBuilder out = new StringBuilder(batch.size() * 160);
        String received = receivedAt.toString();
        for (CheckIn c : batch) {
            byte[] hmac = null;
            byte[] sealed = null;
            if (c.contact().isPresent()) {
                hmac = cipher.hmac(c.contact().get().phone());
                sealed =
                        cipher.seal(c.contact().get().phone(), c.contact().get().name(), hmac);
            }
            out.append(c.id())
                    .append('\t')
                    .append(c.scannedAt())
                    .append('\t')
                    .append(received)
                    .append('\t');
            text(out, Optional.of(c.venueId())).append('\t');
            text(out, c.scannerId()).append('\t').append(c.channel().name()).append('\t');
            bytes(out, c.serial().map(Serial::bytes).orElse(null)).append('\t');
            text(out, c.passFormat()).append('\t');
            text(out, c.passRef()).append('\t');
            bytes(out, hmac).append('\t');
            bytes(out, sealed).append('\t');
            text(out, c.verdict()).append('\t');
            text(out, c.reason()).append('\t');
            text(out, c.checkMethod()).append('\t');
            text(out, c.venueType()).append('\t');
            text(out, c.ruleSet()).append('\t');
            text(out, c.bundleVersion().map(String::valueOf)).append('\n');
        }
        return out.toString();
    }

    private static StringBuilder text(StringBuilder out, Optional<String> value) {
        return CopyText.append(out, value.orElse(null));
    }

    private static StringBuilder bytes(StringBuilder out, byte[] value) {
        return value == null ? out.append("\\N") : out.append("\\\\x").append(HEX.formatHex(value));
    }
}
