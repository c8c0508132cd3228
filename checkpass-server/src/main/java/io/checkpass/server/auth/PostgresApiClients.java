package io.checkpass.server.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/** API clients in the {@code api_client} table. */
public final class PostgresApiClients implements ApiClients {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private final DataSource db;

    public PostgresApiClients(DataSource db) {
        this.db = db;
    }

    @Override
    public Optional<StoredClient> find(String clientId) {
        if (!ID.matcher(clientId).matches()) {
            return Optional.empty();
        }
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "select client_id, display_name, roles, secret_sha256, disabled from api_client where client_id = ?")) {
            s.setString(1, clientId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(read(r)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read API client " + clientId, e);
        }
    }

    @Override
    public String create(String clientId, String displayName, Set<Role> roles) {
        try (Connection c = db.getConnection()) {
            return create(c, clientId, displayName, roles)
                    .orElseThrow(() -> new IllegalArgumentException("client id '" + clientId + "' is taken"));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create API client " + clientId, e);
        }
    }

    @Override
    public Optional<String> create(Connection c, String clientId, String displayName, Set<Role> roles)
            throws SQLException {
        if (!ID.matcher(clientId).matches()) {
            throw new IllegalArgumentException("client id '" + clientId + "' must be 1..64 of a-z, 0-9, '.', '_', '-'");
        }
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("a client needs at least one role");
        }
        String secret = Secrets.generate();
        try (PreparedStatement s = c.prepareStatement(
                "insert into api_client (client_id, display_name, roles, secret_sha256) values (?, ?, ?, ?) on conflict do nothing")) {
            s.setString(1, clientId);
            s.setString(2, displayName);
            s.setArray(
                    3,
                    c.createArrayOf(
                            "text", roles.stream().map(Role::id).sorted().toArray()));
            s.setBytes(4, Secrets.sha256(secret));
            return s.executeUpdate() == 0 ? Optional.empty() : Optional.of(secret);
        }
    }

    @Override
    public List<StoredClient> list() {
        List<StoredClient> out = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "select client_id, display_name, roles, secret_sha256, disabled from api_client order by client_id");
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.add(read(r));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list API clients", e);
        }
    }

    private static StoredClient read(ResultSet r) throws SQLException {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (Object role : (Object[]) r.getArray("roles").getArray()) {
            roles.add(Role.parse(role.toString()));
        }
        return new StoredClient(
                r.getString("client_id"),
                r.getString("display_name"),
                roles,
                r.getBytes("secret_sha256"),
                r.getBoolean("disabled"));
    }
}
