package io.checkpass.server.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.core.rules.Decree;
import io.checkpass.core.rules.MedicalRules;
import io.checkpass.core.rules.RulesFormatException;
import io.checkpass.core.rules.VenueRules;
import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.db.Transactions;
import io.checkpass.server.refusal.Refusal;
import io.checkpass.server.refusal.Refused;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The venue and medical rules in force on this node, as published to the centre's database (docs/rules.md
 * §Publishing). Each publication is a new version of the complete rules document of its kind, audited in the same
 * transaction. A new centre is seeded with the rules shipped in the jar. Every node reads the newest versions at
 * start and again on {@link #refresh()}, so a decree published on one node reaches all of them.
 */
public final class PublishedRules {
    private static final Logger log = LoggerFactory.getLogger(PublishedRules.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The rules in force on this node, with the versions they came from. */
    private record Current(VenueRules venue, long venueVersion, MedicalRules medical, long medicalVersion) {}

    private final DataSource db;
    private final AuditLog audit;
    private final Clock clock;
    private volatile Current current;

    private PublishedRules(DataSource db, AuditLog audit, Clock clock, Current current) {
        this.db = db;
        this.audit = audit;
        this.clock = clock;
        this.current = current;
    }

    /** Reads the newest published rules, seeding a new centre with the rules shipped in the jar. */
    public static PublishedRules open(DataSource db, AuditLog audit, Clock clock) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                seed(c, Decree.Kind.VENUE, VenueRules.korea().document(), clock.instant());
                seed(c, Decree.Kind.MEDICAL, MedicalRules.korea().document(), clock.instant());
                c.commit();
            } catch (SQLException | RuntimeException e) {
                Transactions.rollbackAfter(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot seed the published rules", e);
        }
        PublishedRules rules = new PublishedRules(db, audit, clock, null);
        rules.current = rules.load();
        return rules;
    }

    private static void seed(Connection c, Decree.Kind kind, JsonNode document, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                insert into rules_version (kind, version, published_at, published_by, summary, document)
                values (?, 1, ?, 'seed', 'the rules shipped with checkpass', ?::jsonb)
                on conflict (kind, version) do nothing""")) {
            s.setString(1, kind.id());
            s.setTimestamp(2, Timestamp.from(now));
            s.setString(3, document.toString());
            s.executeUpdate();
        }
    }

    /** The venue rules in force on this node. */
    public VenueRules venue() {
        return current.venue();
    }

    /** The medical rules in force on this node. */
    public MedicalRules medical() {
        return current.medical();
    }

    /** The published version of the venue rules in force here. */
    public long venueVersion() {
        return current.venueVersion();
    }

    /** The published version of the medical rules in force here. */
    public long medicalVersion() {
        return current.medicalVersion();
    }

    /** Reloads if another node published a newer version; true when something changed. */
    public boolean refresh() {
        Current was = current;
        Current now = load();
        if (now.venueVersion() == was.venueVersion() && now.medicalVersion() == was.medicalVersion()) {
            return false;
        }
        current = now;
        log.info(
                "rules reloaded: venue v{} → v{}, medical v{} → v{}",
                was.venueVersion(),
                now.venueVersion(),
                was.medicalVersion(),
                now.medicalVersion());
        return true;
    }

    /**
     * The newest version of each kind; its document is read and validated only when it is not the one in force here,
     * so the refresh every 15 s costs one small query.
     */
    private Current load() {
        try (Connection c = db.getConnection()) {
            Map<String, Long> versions = new LinkedHashMap<>();
            try (PreparedStatement s =
                            c.prepareStatement("select kind, max(version) from rules_version group by kind");
                    ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    versions.put(r.getString(1), r.getLong(2));
                }
            }
            Current was = current;
            long venueVersion = versions.get(Decree.Kind.VENUE.id());
            long medicalVersion = versions.get(Decree.Kind.MEDICAL.id());
            VenueRules venue = was != null && was.venueVersion() == venueVersion
                    ? was.venue()
                    : VenueRules.fromDocument(document(c, Decree.Kind.VENUE, venueVersion));
            MedicalRules medical = was != null && was.medicalVersion() == medicalVersion
                    ? was.medical()
                    : MedicalRules.fromDocument(document(c, Decree.Kind.MEDICAL, medicalVersion));
            return new Current(venue, venueVersion, medical, medicalVersion);
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot read the published rules", e);
        }
    }

    private static JsonNode document(Connection c, Decree.Kind kind, long version) throws SQLException, IOException {
        try (PreparedStatement s =
                c.prepareStatement("select document::text from rules_version where kind = ? and version = ?")) {
            s.setString(1, kind.id());
            s.setLong(2, version);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return JSON.readTree(r.getString(1));
            }
        }
    }

    /**
     * What a decree would change, without publishing it.
     *
     * @param kind            venue or medical
     * @param ruleSetId       the decree's rule set
     * @param effectiveFrom   when it takes force
     * @param replaces        the set it replaces, if it amends or corrects one
     * @param previous        the set in force just before it
     * @param changes         what changes against that set
     * @param correction      why it rewrites the past, if it does
     * @param currentVersion  the version it applies to
     */
    public record Preview(
            Decree.Kind kind,
            String ruleSetId,
            Instant effectiveFrom,
            Optional<String> replaces,
            Optional<String> previous,
            List<String> changes,
            Optional<String> correction,
            long currentVersion) {}

    /**
     * Validates a decree against the rules in force and says what it would change.
     *
     * @throws Refused ({@link Refusal.RulesRejected}) if it is invalid or rewrites the past without being a correction
     */
    public Preview preview(Decree decree) {
        Current now = current;
        JsonNode document = decree.kind() == Decree.Kind.VENUE
                ? now.venue().document()
                : now.medical().document();
        long version = decree.kind() == Decree.Kind.VENUE ? now.venueVersion() : now.medicalVersion();
        return preview(decree, document, version).preview();
    }

    private record Checked(Preview preview, Decree.Applied applied) {}

    private Checked preview(Decree decree, JsonNode document, long version) {
        try {
            Decree.Applied applied = decree.applyTo(document, clock.instant());
            return new Checked(
                    new Preview(
                            decree.kind(),
                            decree.id(),
                            decree.effectiveFrom(),
                            applied.replaces(),
                            applied.previous(),
                            applied.changes(),
                            decree.correction(),
                            version),
                    applied);
        } catch (RulesFormatException e) {
            throw new Refused(new Refusal.RulesRejected(e.getMessage()));
        }
    }

    /** A published decree: what it changed and the version of its kind it became. */
    public record Published(Preview preview, long version) {}

    /** A published decree and the trust bundle that carries it to scanners. */
    public record Announced(Published published, long bundleVersion) {}

    /**
     * Publishes a decree: validates it against the newest published rules (another node may have published since
     * this one last refreshed), stores the new version and audits it in one transaction, then puts it in force here.
     *
     * @throws Refused ({@link Refusal.RulesRejected}) if it is invalid or rewrites the past without being a correction
     */
    public Published publish(String actor, Decree decree) {
        Published published;
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement lock = c.prepareStatement("select pg_advisory_xact_lock(hashtext(?))")) {
                    lock.setString(1, "checkpass.rules." + decree.kind().id());
                    lock.execute();
                }
                long version;
                JsonNode document;
                try (PreparedStatement s = c.prepareStatement(
                        "select version, document::text from rules_version where kind = ? order by version desc limit 1")) {
                    s.setString(1, decree.kind().id());
                    try (ResultSet r = s.executeQuery()) {
                        r.next();
                        version = r.getLong(1);
                        document = JSON.readTree(r.getString(2));
                    }
                }
                Checked checked = preview(decree, document, version);
                long next = version + 1;
                String summary = decree.id() + " from " + decree.effectiveFrom()
                        + decree.correction()
                                .map(why -> " (correction: " + why + ")")
                                .orElse("");
                try (PreparedStatement s = c.prepareStatement("""
                        insert into rules_version (kind, version, published_at, published_by, summary, document)
                        values (?, ?, ?, ?, ?, ?::jsonb)""")) {
                    s.setString(1, decree.kind().id());
                    s.setLong(2, next);
                    s.setTimestamp(3, Timestamp.from(clock.instant()));
                    s.setString(4, actor);
                    s.setString(5, summary);
                    s.setString(6, checked.applied().document().toString());
                    s.executeUpdate();
                }
                Map<String, Object> detail = new LinkedHashMap<>();
                detail.put("kind", decree.kind().id());
                detail.put("version", next);
                detail.put("effectiveFrom", decree.effectiveFrom().toString());
                detail.put("changes", checked.preview().changes());
                decree.correction().ifPresent(why -> detail.put("correction", why));
                audit.record(c, actor, "rules-publish", "rules:" + decree.id(), detail);
                c.commit();
                published = new Published(checked.preview(), next);
            } catch (SQLException | IOException | RuntimeException e) {
                Transactions.rollbackAfter(c, e);
                throw e;
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot publish rule set " + decree.id(), e);
        }
        refresh();
        return published;
    }

    /** One published version, for the history. */
    public record Version(String kind, long version, Instant publishedAt, String publishedBy, String summary) {}

    /** Every published version, newest first. */
    public List<Version> history() {
        List<Version> out = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("""
                        select kind, version, published_at, published_by, summary from rules_version
                        order by published_at desc, kind, version desc limit 1000""");
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.add(new Version(
                        r.getString(1), r.getLong(2), r.getTimestamp(3).toInstant(), r.getString(4), r.getString(5)));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the rules history", e);
        }
    }
}
