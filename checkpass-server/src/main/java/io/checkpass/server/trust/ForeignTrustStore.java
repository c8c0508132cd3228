package io.checkpass.server.trust;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.foreign.ForeignTrust;
import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.db.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The foreign trust material the centre publishes in its bundles. Operators merge new material in (checked
 * strictly first); each change is audited in the same transaction and triggers a new bundle.
 */
public final class ForeignTrustStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource db;
    private final AuditLog audit;
    private final Clock clock;

    public ForeignTrustStore(DataSource db, AuditLog audit, Clock clock) {
        this.db = db;
        this.audit = audit;
        this.clock = clock;
    }

    /** The current material, for the bundle. */
    public ForeignTrust current() {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("select document::text from foreign_trust where id = 1");
                ResultSet r = s.executeQuery()) {
            return r.next() ? ForeignTrust.fromBundle(JSON.readTree(r.getString(1))) : ForeignTrust.empty();
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("cannot read foreign trust material", e);
        }
    }

    /** The bundle's {@code foreign} section. */
    public ObjectNode section() {
        return current().toJson();
    }

    /**
     * Merges material in.
     *
     * @throws IllegalArgumentException naming the first unusable entry
     */
    public ForeignTrust merge(String actor, JsonNode material) {
        ForeignTrust added = ForeignTrust.fromJson(material);
        ForeignTrust merged = current().merge(added);
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("""
                    insert into foreign_trust (id, document, updated_at, updated_by) values (1, ?::jsonb, ?, ?)
                    on conflict (id) do update set document = excluded.document, updated_at = excluded.updated_at,
                        updated_by = excluded.updated_by""")) {
                s.setString(1, merged.toJson().toString());
                s.setTimestamp(2, Timestamp.from(clock.instant()));
                s.setString(3, actor);
                s.executeUpdate();
                audit.record(
                        c,
                        actor,
                        "foreign-trust-merge",
                        "foreign-trust",
                        Map.of(
                                "dccSigners",
                                added.dccSigners().size(),
                                "shcIssuers",
                                added.shcIssuers().size(),
                                "nzcpIssuers",
                                added.nzcpIssuers().size()));
                c.commit();
            } catch (SQLException | RuntimeException e) {
                Transactions.rollbackAfter(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store foreign trust material", e);
        }
        return merged;
    }
}
