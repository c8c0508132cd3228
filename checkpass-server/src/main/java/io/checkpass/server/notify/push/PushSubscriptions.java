package io.checkpass.server.notify.push;

import static io.checkpass.server.db.Transactions.inTransaction;

import io.checkpass.core.crypto.EcPoints;
import io.checkpass.core.registry.PersonId;
import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.notify.PushAddresses;
import java.net.URI;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The wallets' push subscriptions (table {@code identity.push_subscription}, V14): registered by a wallet provider
 * for the person it signed in, removed by it or when the push service says the browser dropped the subscription.
 * Every change is audited. A browser's endpoint is one subscription: subscribing again (new keys, or another person
 * signed in on a shared phone) replaces it, so a person who signed out of a phone is not notified on it.
 */
public final class PushSubscriptions implements PushAddresses {
    private static final Base64.Encoder ID = Base64.getUrlEncoder().withoutPadding();

    private final DataSource identity;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public PushSubscriptions(DataSource identity, AuditLog audit, Clock clock) {
        this.identity = identity;
        this.audit = audit;
        this.clock = clock;
    }

    /** What became of a registration. */
    public sealed interface Registration {
        /** Stored; {@code id} is its PUSH address. */
        record Registered(String id) implements Registration {}

        /** The registry holds no such person. */
        record UnknownPerson(String personId) implements Registration {}

        /** The browser's keys are not a P-256 point and a 16-byte secret. */
        record BadKeys(String problem) implements Registration {}
    }

    /**
     * Stores a subscription for the person, or moves the endpoint's existing one to them with the new keys.
     *
     * @param endpoint an endpoint {@link PushEndpoints} allowed
     */
    public Registration register(
            String actor, PersonId person, URI endpoint, byte[] p256dh, byte[] auth, Locale language) {
        try {
            if (p256dh.length != 65) {
                throw new IllegalArgumentException("p256dh must be an uncompressed P-256 point (65 bytes)");
            }
            EcPoints.decode(p256dh);
        } catch (IllegalArgumentException e) {
            return new Registration.BadKeys("keys.p256dh: " + e.getMessage());
        }
        if (auth.length != 16) {
            return new Registration.BadKeys("keys.auth must be 16 bytes, got " + auth.length);
        }
        String lang = language.getLanguage().equals("en") ? "en" : "ko";
        byte[] idBytes = new byte[16];
        random.nextBytes(idBytes);
        String newId = ID.encodeToString(idBytes);
        return inTransaction(identity, "cannot store a push subscription", c -> {
            if (!personExists(c, person)) {
                return new Registration.UnknownPerson(person.value());
            }
            String id;
            try (PreparedStatement s = c.prepareStatement("insert into push_subscription (subscription_id, person_id,"
                    + " endpoint, p256dh, auth, language, registered_by, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)"
                    + " on conflict (endpoint) do update set person_id = excluded.person_id, p256dh = excluded.p256dh,"
                    + " auth = excluded.auth, language = excluded.language, registered_by = excluded.registered_by,"
                    + " created_at = excluded.created_at returning subscription_id")) {
                s.setString(1, newId);
                s.setString(2, person.value());
                s.setString(3, endpoint.toString());
                s.setBytes(4, p256dh);
                s.setBytes(5, auth);
                s.setString(6, lang);
                s.setString(7, actor);
                s.setTimestamp(8, Timestamp.from(clock.instant()));
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    id = r.getString(1);
                }
            }
            // The endpoint is a capability (whoever has it may post to that browser): the audit names its host only.
            audit.record(
                    c,
                    actor,
                    "push-subscribe",
                    "person:" + person.value(),
                    Map.of("subscription", id, "pushService", endpoint.getHost()));
            return new Registration.Registered(id);
        });
    }

    /** Removes a subscription; false if there was none by that id. */
    public boolean remove(String actor, String id, String why) {
        return inTransaction(identity, "cannot remove a push subscription", c -> {
            String person;
            try (PreparedStatement s =
                    c.prepareStatement("delete from push_subscription where subscription_id = ? returning person_id")) {
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return false;
                    }
                    person = r.getString(1);
                }
            }
            audit.record(c, actor, "push-unsubscribe", "person:" + person, Map.of("subscription", id, "why", why));
            return true;
        });
    }

    public Optional<PushSubscription> find(String id) {
        return inTransaction(identity, "cannot read push subscriptions", c -> {
            try (PreparedStatement s = c.prepareStatement("select person_id, endpoint, p256dh, auth, language"
                    + " from push_subscription where subscription_id = ?")) {
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new PushSubscription(
                            id,
                            r.getString(1),
                            URI.create(r.getString(2)),
                            r.getBytes(3),
                            r.getBytes(4),
                            Locale.forLanguageTag(r.getString(5))));
                }
            }
        });
    }

    @Override
    public List<String> subscriptionIds(PersonId person) {
        return inTransaction(identity, "cannot read push subscriptions", c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "select subscription_id from push_subscription where person_id = ? order by created_at")) {
                s.setString(1, person.value());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        ids.add(r.getString(1));
                    }
                }
            }
            return ids;
        });
    }

    private static boolean personExists(Connection c, PersonId person) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select 1 from person where person_id = ?")) {
            s.setString(1, person.value());
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }
}
