package io.checkpass.server.inspection;

import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.auth.ClientAdministration;
import io.checkpass.server.auth.Principal;
import io.checkpass.server.auth.Role;
import io.checkpass.server.db.Transactions;
import io.checkpass.server.refusal.Refusal;
import io.checkpass.server.refusal.Refused;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Which district each inspector acts in (table {@code inspector_scope}, one row per inspector), and the scope a
 * signed-in client acts with: an issuer-admin sees every district, an inspector only theirs, an inspector without
 * a district nothing. Assigning a district is audited.
 */
public final class InspectorScopes {
    private final DataSource db;
    private final ClientAdministration clients;
    private final AuditLog audit;

    /** @param db the identity side's pool */
    public InspectorScopes(DataSource db, ClientAdministration clients, AuditLog audit) {
        this.db = db;
        this.clients = clients;
        this.audit = audit;
    }

    /** The district an inspector is assigned to, if any. */
    public Optional<District> districtOf(String clientId) {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "select district_code, district_name from inspector_scope where client_id = ?")) {
            s.setString(1, clientId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(new District(r.getString(1), r.getString(2))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the district of " + clientId, e);
        }
    }

    /**
     * The scope {@code principal} acts with: every district for an issuer-admin, their own for an inspector.
     *
     * @throws Refused {@link Refusal.NoDistrict} for an inspector without one
     */
    public Scope scopeOf(Principal principal) {
        if (principal.has(Role.ISSUER_ADMIN)) {
            return Scope.all(principal.clientId());
        }
        return districtOf(principal.clientId())
                .map(d -> Scope.of(principal.clientId(), d))
                .orElseThrow(() -> new Refused(new Refusal.NoDistrict(principal.clientId())));
    }

    /**
     * Assigns (or moves) an inspector to a district, audited.
     *
     * @throws Refused {@link Refusal.UnknownClient}, or {@link Refusal.ClientRejected} if the client is not an
     *     inspector
     */
    public void assign(String actor, String clientId, District district) {
        var client = clients.find(clientId).orElseThrow(() -> new Refused(new Refusal.UnknownClient(clientId)));
        if (!client.roles().contains(Role.INSPECTOR)) {
            throw new Refused(new Refusal.ClientRejected(
                    "client '" + clientId + "' is not an inspector; only an inspector is scoped to a district"));
        }
        Transactions.inTransaction(db, "cannot assign a district", c -> {
            scope(c, actor, clientId, district);
            return null;
        });
    }

    /**
     * Creates an inspector with its district in one transaction, audited; returns the secret (shown once).
     *
     * @throws Refused as {@link ClientAdministration#create}
     */
    public ClientAdministration.Issued create(String actor, String clientId, String displayName, District district) {
        return Transactions.inTransaction(db, "cannot create an inspector", c -> {
            var issued = clients.createIn(
                    c,
                    actor,
                    new ClientAdministration.NewClient(
                            clientId, displayName, Set.of(Role.INSPECTOR), Optional.empty()));
            scope(c, actor, clientId, district);
            return issued;
        });
    }

    /** Scopes the client to the district inside the caller's transaction, audited. */
    private void scope(Connection c, String actor, String clientId, District district) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                insert into inspector_scope (client_id, district_code, district_name) values (?, ?, ?)
                on conflict (client_id) do update
                set district_code = excluded.district_code, district_name = excluded.district_name,
                    assigned_at = now()""")) {
            s.setString(1, clientId);
            s.setString(2, district.code());
            s.setString(3, district.name());
            s.executeUpdate();
        }
        audit.record(
                c,
                actor,
                "inspector-assign",
                "client:" + clientId,
                Map.of("districtCode", district.code(), "districtName", district.name()));
    }

    /**
     * Where a client may act: every district ({@code district} empty, an issuer-admin) or one.
     *
     * @param actor the client id, for the audit log and refusals
     */
    public record Scope(String actor, Optional<District> district) {
        public static Scope all(String actor) {
            return new Scope(actor, Optional.empty());
        }

        public static Scope of(String actor, District district) {
            return new Scope(actor, Optional.of(district));
        }

        /** Whether a thing in district {@code code} (null for a venue without one) is within this scope. */
        public boolean covers(String code) {
            return district.isEmpty() || district.get().code().equals(code);
        }

        /**
         * @throws Refused {@link Refusal.OutOfDistrict} unless {@link #covers} {@code code}
         */
        public void require(String code, String subject) {
            if (!covers(code)) {
                throw new Refused(
                        new Refusal.OutOfDistrict(actor, district.get().code(), subject));
            }
        }
    }
}
