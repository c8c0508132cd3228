package io.checkpass.server.inspection;

import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.db.CopyText;
import io.checkpass.server.db.Transactions;
import io.checkpass.server.inspection.SanctionSchedule.Text;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * Registers venues in bulk from the venue CSV ({@link VenueCsvReader}): batches of {@link #BATCH} rows are COPYed into
 * a staging table and inserted (or, for a venue id already registered, updated) in one transaction each, so every good
 * row is committed as its batch is, whatever comes later in the file. A row is refused, with its line number, when
 * its venue id or 안심콜 number came earlier in the same file, or the call number belongs to another venue. Re-importing
 * a file changes nothing. Runs as the visits role (it owns venue registration).
 */
public final class VenueImport {
    public static final int BATCH = 10_000;

    /** What an import did. {@code rejected} lists every refused row, in file order. */
    public record Result(long inserted, long updated, long unchanged, List<VenueCsvReader.Rejected> rejected) {}

    /** Progress: bytes of the file read, rows done. */
    public interface Progress {
        void advanced(long bytesRead, long rows);
    }

    private static final String COLUMNS = "venue_id, business_number, name, address, region, district_code,"
            + " district_name, venue_type, operator_name, operator_phone, call_number";

    private final DataSource db;
    private final AuditLog audit;

    /**
     * @param db    the visits side's pool
     * @param audit the audit log as the visits role writes it
     */
    public VenueImport(DataSource db, AuditLog audit) {
        this.db = db;
        this.audit = audit;
    }

    /**
     * Imports a venue CSV.
     *
     * @param actor      who imports (the audit log's actor)
     * @param source     what is imported (a file name), for the audit log
     * @param venueTypes the venue types of the rules in force
     * @param firstLine  the line number of the file's first line (1; a console upload in parts numbers each part's
     *                   lines as they are in the whole file)
     * @param rejected   told of each refused row as it is found (a CLI prints it at once)
     * @throws java.io.UncheckedIOException if the stream fails (a bad row never throws)
     */
    public Result run(
            String actor,
            String source,
            InputStream in,
            Set<String> venueTypes,
            long firstLine,
            Progress progress,
            Consumer<VenueCsvReader.Rejected> rejected) {
        List<VenueCsvReader.Rejected> refused = new ArrayList<>();
        Consumer<VenueCsvReader.Rejected> report = r -> {
            VenueCsvReader.Rejected shifted = new VenueCsvReader.Rejected(r.line() + firstLine - 1, r.problem());
            refused.add(shifted);
            rejected.accept(shifted);
        };
        long[] counts = new long[3]; // inserted, updated, unchanged
        long rows = 0;
        boolean finished = false;
        try (VenueCsvReader reader = new VenueCsvReader(in, venueTypes);
                Connection c = db.getConnection()) {
            try (Statement s = c.createStatement()) {
                // Session tables: what this file registered so far (ids and call numbers, with their lines).
                s.execute("drop table if exists venue_import_id, venue_import_call");
                s.execute("create temp table venue_import_id (venue_id text primary key, line bigint not null)");
                s.execute(
                        "create temp table venue_import_call (call_number text primary key, venue_id text not null, line bigint not null)");
                s.execute("create temp table if not exists venue_import_batch (line bigint not null, "
                        + COLUMNS.replace(",", " text,") + " text) on commit delete rows");
            }
            try {
                List<VenueCsvReader.Parsed> batch = new ArrayList<>(BATCH);
                while (true) {
                    var line = reader.next();
                    if (line.isPresent()) {
                        rows++;
                        switch (line.get()) {
                            case VenueCsvReader.Parsed p -> batch.add(p);
                            case VenueCsvReader.Rejected r -> report.accept(r);
                        }
                    }
                    if (batch.size() == BATCH || (line.isEmpty() && !batch.isEmpty())) {
                        store(c, batch, firstLine, counts, report);
                        batch.clear();
                        progress.advanced(reader.bytesRead(), rows);
                    }
                    if (line.isEmpty()) {
                        break;
                    }
                }
                progress.advanced(reader.bytesRead(), rows);
                finished = true;
            } finally {
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("drop table if exists venue_import_id, venue_import_call, venue_import_batch");
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot import venues: " + e.getMessage(), e);
        } finally {
            // What was committed is audited even when the import stopped halfway (a disk error, the database gone).
            audit.record(
                    actor,
                    "venue-import",
                    source,
                    Map.of(
                            "inserted", counts[0],
                            "updated", counts[1],
                            "unchanged", counts[2],
                            "rejected", (long) refused.size(),
                            "finished", finished));
        }
        refused.sort(java.util.Comparator.comparingLong(VenueCsvReader.Rejected::line));
        return new Result(counts[0], counts[1], counts[2], List.copyOf(refused));
    }

    private static void store(
            Connection c,
            List<VenueCsvReader.Parsed> batch,
            long firstLine,
            long[] counts,
            Consumer<VenueCsvReader.Rejected> report)
            throws SQLException, IOException {
        c.setAutoCommit(false);
        try {
            StringBuilder rows = new StringBuilder(batch.size() * 200);
            for (VenueCsvReader.Parsed p : batch) {
                RegisteredVenue v = p.venue();
                rows.append(p.line()).append('\t');
                for (String field : new String[] {
                    v.venueId(),
                    v.businessNumber(),
                    v.name(),
                    v.address(),
                    v.region(),
                    v.district().map(District::code).orElse(null),
                    v.district().map(District::name).orElse(null),
                    v.venueType(),
                    v.operatorName().orElse(null),
                    v.operatorPhone().orElse(null),
                }) {
                    CopyText.append(rows, field).append('\t');
                }
                CopyText.append(rows, v.callNumber().orElse(null)).append('\n');
            }
            c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn(
                            "copy venue_import_batch (line, " + COLUMNS + ") from stdin",
                            new StringReader(rows.toString()));
            List<Long> refused = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("""
                            select b.line, b.venue_id, b.call_number,
                                coalesce(seen.line, nullif(min(b.line) over (partition by b.venue_id), b.line)) as id_line,
                                case when b.call_number is null then null
                                    else coalesce(call.line, nullif(min(b.line) over (partition by b.call_number), b.line))
                                end as call_line,
                                owner.venue_id as call_owner
                            from venue_import_batch b
                            left join venue_import_id seen on seen.venue_id = b.venue_id
                            left join venue_import_call call on call.call_number = b.call_number
                            left join visits.venue owner on owner.call_number = b.call_number
                                and owner.venue_id <> b.venue_id
                            order by b.line""")) {
                while (r.next()) {
                    long line = r.getLong(1);
                    long idLine = r.getLong(4);
                    boolean idRepeated = !r.wasNull();
                    long callLine = r.getLong(5);
                    boolean callRepeated = !r.wasNull();
                    String owner = r.getString(6);
                    if (!idRepeated && !callRepeated && owner == null) {
                        continue;
                    }
                    List<String> ko = new ArrayList<>();
                    List<String> en = new ArrayList<>();
                    if (idRepeated) {
                        ko.add("venue_id '" + r.getString(2) + "'는 " + (idLine + firstLine - 1) + "행에 이미 있습니다");
                        en.add("venue id '" + r.getString(2) + "' is already on line " + (idLine + firstLine - 1));
                    }
                    if (callRepeated) {
                        ko.add("안심콜 번호 " + r.getString(3) + "는 " + (callLine + firstLine - 1) + "행에 이미 있습니다");
                        en.add("call number " + r.getString(3) + " is already on line " + (callLine + firstLine - 1));
                    } else if (owner != null) {
                        ko.add("안심콜 번호 " + r.getString(3) + "는 시설 '" + owner + "'의 번호입니다");
                        en.add("call number " + r.getString(3) + " belongs to venue '" + owner + "'");
                    }
                    refused.add(line);
                    report.accept(
                            new VenueCsvReader.Rejected(line, new Text(String.join("; ", ko), String.join("; ", en))));
                }
            }
            if (!refused.isEmpty()) {
                try (PreparedStatement s = c.prepareStatement("delete from venue_import_batch where line = any(?)")) {
                    s.setArray(1, c.createArrayOf("bigint", refused.toArray()));
                    s.executeUpdate();
                }
            }
            try (Statement s = c.createStatement()) {
                s.executeUpdate("insert into venue_import_id select venue_id, line from venue_import_batch");
                s.executeUpdate(
                        "insert into venue_import_call select call_number, venue_id, line from venue_import_batch"
                                + " where call_number is not null");
                long staged = batch.size() - refused.size();
                long inserted = 0;
                long changed = 0;
                try (ResultSet r = s.executeQuery("""
                        insert into visits.venue as v (%1$s)
                        select %1$s from venue_import_batch order by venue_id
                        on conflict (venue_id) do update set business_number = excluded.business_number,
                            name = excluded.name, address = excluded.address, region = excluded.region,
                            district_code = excluded.district_code, district_name = excluded.district_name,
                            venue_type = excluded.venue_type, operator_name = excluded.operator_name,
                            operator_phone = excluded.operator_phone, call_number = excluded.call_number
                        where (v.business_number, v.name, v.address, v.region, v.district_code, v.district_name,
                                v.venue_type, v.operator_name, v.operator_phone, v.call_number)
                            is distinct from (excluded.business_number, excluded.name, excluded.address,
                                excluded.region, excluded.district_code, excluded.district_name, excluded.venue_type,
                                excluded.operator_name, excluded.operator_phone, excluded.call_number)
                        returning (xmax = 0)""".formatted(COLUMNS))) {
                    while (r.next()) {
                        if (r.getBoolean(1)) {
                            inserted++;
                        } else {
                            changed++;
                        }
                    }
                }
                counts[0] += inserted;
                counts[1] += changed;
                counts[2] += staged - inserted - changed;
            }
            c.commit();
        } catch (SQLException | IOException | RuntimeException e) {
            Transactions.rollbackAfter(c, e);
            throw e;
        }
    }
}
