package io.checkpass.server.auth;

import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.db.Transactions;
import io.checkpass.server.refusal.Refusal;
import io.checkpass.server.refusal.Refused;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The one way API clients are made and managed — by {@code checkpass admin init} and {@code checkpass clients}, by
 * the {@code /api/v1/clients} routes and the console, and by {@code serve --demo}: create (a scanner bound to its
 * venue), list, rotate a secret, disable, enable. Each change and its audit entry commit in one transaction.
 *
 * <p>Secrets are generated here, returned once and stored as SHA-256 only (docs/adr/0006-client-authentication.md).
 * A running centre's {@link Authenticator} re-reads a client at most {@code refreshAfter} (5 s) after it last did,
 * so a rotation or a disablement made elsewhere (the CLI) takes effect within that time; the centre's own routes
 * also drop the client from its cache at once.
 *
 * <p>Refusals are thrown as {@link Refused}: {@link Refusal.ClientExists}, {@link Refusal.UnknownClient},
 * {@link Refusal.ClientRejected}, {@link Refusal.AlreadyInitialised}.
 */
public final class ClientAdministration {
    /** The client id rule, as the {@code api_client} table checks it. */
    public static final Pattern CLIENT_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    /** Serialises {@code admin init}s: two at once cannot both find no admin and both make one. */
    static final long INIT_LOCK = 0x636b_7061_7373_0001L;

    private static final int MAX_NAME = 200;

    private final DataSource db;
    private final ApiClients clients;
    private final ScannerBindings scanners;
    private final AuditLog audit;

    public ClientAdministration(DataSource db, ApiClients clients, ScannerBindings scanners, AuditLog audit) {
        this.db = db;
        this.clients = clients;
        this.scanners = scanners;
        this.audit = audit;
    }

    /** A client to create; {@code venueId} is required for a scanner and refused for anything else. */
    public record NewClient(String clientId, String displayName, Set<Role> roles, Optional<String> venueId) {
        public NewClient {
            roles = Set.copyOf(roles);
        }
    }

    /** A client as operators see it: never its secret. */
    public record Client(
            String clientId,
            String displayName,
            Set<Role> roles,
            boolean disabled,
            Instant createdAt,
            Optional<String> venueId) {
        public Client {
            roles = Set.copyOf(roles);
        }
    }

    /** A client and its new secret, which is shown once and never stored. */
    public record Issued(Client client, String secret) {}

    /**
     * Parses role ids ({@link Role#id()}).
     *
     * @throws Refused {@link Refusal.ClientRejected} naming an unknown role, or when none is given
     */
    public static Set<Role> roles(Collection<String> ids) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String id : ids) {
            if (id == null || id.isBlank()) {
                continue;
            }
            try {
                roles.add(Role.parse(id));
            } catch (IllegalArgumentException e) {
                throw new Refused(new Refusal.ClientRejected(e.getMessage()));
            }
        }
        if (roles.isEmpty()) {
            throw new Refused(new Refusal.ClientRejected(
                    "a client needs at least one role: wallet-provider, scanner, lab, issuer-admin, tracer, auditor,"
                            + " monitoring, counter-clerk, inspector"));
        }
        return roles;
    }

    /**
     * Makes the first issuer-admin of a new centre. Refused once the centre has an enabled issuer-admin; two inits at
     * once are serialised by a transaction-scoped advisory lock, so only one of them can succeed.
     *
     * @throws Refused {@link Refusal.AlreadyInitialised}, {@link Refusal.ClientExists} (the id is taken by another
     *     client), {@link Refusal.ClientRejected}
     */
    public Issued initAdmin(String actor, String clientId, String displayName) {
        NewClient admin = new NewClient(clientId, displayName, Set.of(Role.ISSUER_ADMIN), Optional.empty());
        validate(admin);
        return inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("select pg_advisory_xact_lock(?)")) {
                s.setLong(1, INIT_LOCK);
                s.execute();
            }
            List<String> admins = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("select client_id from api_client"
                            + " where 'issuer-admin' = any(roles) and not disabled order by client_id");
                    ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    admins.add(r.getString(1));
                }
            }
            if (!admins.isEmpty()) {
                throw new Refused(new Refusal.AlreadyInitialised(admins));
            }
            return insert(c, actor, admin, "client-init");
        });
    }

    /**
     * Creates a client; a scanner is bound to its venue in the same transaction.
     *
     * @throws Refused {@link Refusal.ClientExists}, {@link Refusal.ClientRejected} (bad id, name or roles, a scanner
     *     without a venue or with an unknown one)
     */
    public Issued create(String actor, NewClient client) {
        validate(client);
        return inTransaction(c -> insert(c, actor, client, "client-create"));
    }

    /**
     * Creates a client inside the caller's transaction on {@code c} (a pairing claims its code in the same one).
     *
     * @throws Refused as {@link #create}
     */
    public Issued createIn(Connection c, String actor, NewClient client) throws SQLException {
        validate(client);
        return insert(c, actor, client, "client-create");
    }

    /** Every client, by id; never a secret. */
    public List<Client> list() {
        Map<String, String> venues = scanners.venuesOfScanners();
        List<Client> out = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "select client_id, display_name, roles, created_at, disabled from api_client order by client_id");
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.add(read(r, venues));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list API clients", e);
        }
    }

    /** One client, if it exists. */
    public Optional<Client> find(String clientId) {
        try (Connection c = db.getConnection()) {
            return Optional.of(load(c, clientId, scanners.venueOfScanner(clientId)));
        } catch (Refused unknown) {
            return Optional.empty();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read API client " + clientId, e);
        }
    }

    /**
     * Gives the client a new secret; the old one stops working (on this centre at once, elsewhere within the
     * authenticator's re-read time).
     *
     * @throws Refused {@link Refusal.UnknownClient}
     */
    public Issued rotate(String actor, String clientId) {
        String secret = Secrets.generate();
        Client client = inTransaction(c -> {
            Client changed = update(
                    c, "update api_client set secret_sha256 = ? where client_id = ?", Secrets.sha256(secret), clientId);
            audit.record(c, actor, "client-rotate", "client:" + clientId, Map.of());
            return changed;
        });
        return new Issued(client, secret);
    }

    /**
     * Disables or enables a client: a disabled one cannot authenticate, by secret or by a scanner page's session.
     *
     * @throws Refused {@link Refusal.UnknownClient}
     */
    public Client setDisabled(String actor, String clientId, boolean disabled) {
        return inTransaction(c -> {
            Client changed = update(c, "update api_client set disabled = ? where client_id = ?", disabled, clientId);
            audit.record(c, actor, disabled ? "client-disable" : "client-enable", "client:" + clientId, Map.of());
            return changed;
        });
    }

    // ------------------------------------------------------------------------------------------------------------

    private static void validate(NewClient client) {
        if (client.clientId() == null || !CLIENT_ID.matcher(client.clientId()).matches()) {
            throw new Refused(new Refusal.ClientRejected(
                    "client id must be 1..64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit"));
        }
        if (client.displayName() == null
                || client.displayName().isBlank()
                || client.displayName().length() > MAX_NAME) {
            throw new Refused(new Refusal.ClientRejected("display name is required (1.." + MAX_NAME + " characters)"));
        }
        if (client.roles().isEmpty()) {
            throw new Refused(new Refusal.ClientRejected("a client needs at least one role"));
        }
        boolean scanner = client.roles().contains(Role.SCANNER);
        if (scanner && client.roles().size() > 1) {
            // A scanner's secret sits on a tablet at a door: it carries no other power.
            throw new Refused(new Refusal.ClientRejected("a scanner holds the scanner role only"));
        }
        if (scanner && client.venueId().isEmpty()) {
            throw new Refused(new Refusal.ClientRejected("a scanner needs the venue it serves (venueId)"));
        }
        if (!scanner && client.venueId().isPresent()) {
            throw new Refused(new Refusal.ClientRejected("only a scanner is bound to a venue"));
        }
    }

    private Issued insert(Connection c, String actor, NewClient client, String action) throws SQLException {
        String secret = clients.create(c, client.clientId(), client.displayName(), client.roles())
                .orElseThrow(() -> new Refused(new Refusal.ClientExists(client.clientId())));
        if (client.venueId().isPresent()
                && !scanners.bind(c, client.clientId(), client.venueId().get(), client.displayName())) {
            throw new Refused(new Refusal.ClientRejected(
                    "no venue '" + client.venueId().get() + "'; add it first (POST /api/v1/venues) or name another"));
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("roles", client.roles().stream().map(Role::id).sorted().toList());
        client.venueId().ifPresent(v -> detail.put("venueId", v));
        audit.record(c, actor, action, "client:" + client.clientId(), detail);
        return new Issued(load(c, client.clientId(), client.venueId()), secret);
    }

    private Client update(Connection c, String sql, Object value, String clientId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, value);
            s.setString(2, clientId);
            if (s.executeUpdate() == 0) {
                throw new Refused(new Refusal.UnknownClient(clientId));
            }
        }
        return load(c, clientId, scanners.venueOfScanner(clientId));
    }

    /** The client as {@code c} sees it (inside its transaction); {@code venue} is the scanner's, if any. */
    private static Client load(Connection c, String clientId, Optional<String> venue) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select client_id, display_name, roles, created_at, disabled"
                + " from api_client where client_id = ?")) {
            s.setString(1, clientId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new Refused(new Refusal.UnknownClient(clientId));
                }
                return read(r, venue.map(v -> Map.of(clientId, v)).orElse(Map.of()));
            }
        }
    }

    private static Client read(ResultSet r, Map<String, String> venues) throws SQLException {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (Object role : (Object[]) r.getArray("roles").getArray()) {
            roles.add(Role.parse(role.toString()));
        }
        String id = r.getString("client_id");
        return new Client(
                id,
                r.getString("display_name"),
                roles,
                r.getBoolean("disabled"),
                r.getTimestamp("created_at").toInstant(),
                Optional.ofNullable(venues.get(id)));
    }

    private <T> T inTransaction(Transactions.Work<T> work) {
        return Transactions.inTransaction(db, "cannot change API clients", work);
    }
}
