package io.checkpass.server.trust;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.core.codec.CoseSign1;
import io.checkpass.core.crypto.Digests;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.crypto.KeyId;
import io.checkpass.core.crypto.Pem;
import io.checkpass.core.crypto.SigningKey;
import io.checkpass.core.pass.Serial;
import io.checkpass.core.rules.MedicalRules;
import io.checkpass.core.rules.VenueRules;
import io.checkpass.core.trust.TrustBundle;
import io.checkpass.core.trust.TrustBundleException;
import io.checkpass.core.trust.TrustBundles;
import io.checkpass.server.keys.KeyLifecycle;
import io.checkpass.server.keys.KeyRing;
import java.security.interfaces.ECPublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes signed trust bundles and serves the newest. A bundle is rebuilt from the database when something
 * in it changes (a revocation, new foreign trust material, a restart with new rules) and stored, so every node
 * serves the same bytes; nodes re-read the newest version at most every {@code refresh}.
 */
public final class TrustBundleService {
    private static final Logger log = LoggerFactory.getLogger(TrustBundleService.class);

    /** A published bundle: its version, the signed bytes, their ETag and the bundle key that signed them. */
    public record Published(long version, Instant createdAt, byte[] signed, String etag, KeyId signer) {}

    /** The advisory lock that serialises publication across nodes: "checkpass trust bundle", as a number. */
    private static final long PUBLICATION_LOCK = 0x6370_7462_756e_646cL;

    private final DataSource db;
    private final KeyLifecycle keys;
    private final String issuerName;
    private final Supplier<VenueRules> venueRules;
    private final Supplier<MedicalRules> medicalRules;
    private final Supplier<ObjectNode> foreignTrust;
    private final Es256 es256;
    private final Clock clock;
    private final Duration refresh;
    private volatile Published current;
    private volatile Instant checkedAt = Instant.MIN;
    /** Held while publishing or checking for a newer bundle. */
    private final ReentrantLock lock = new ReentrantLock();

    public TrustBundleService(
            DataSource db,
            KeyLifecycle keys,
            String issuerName,
            Supplier<VenueRules> venueRules,
            Supplier<MedicalRules> medicalRules,
            Supplier<ObjectNode> foreignTrust,
            Es256 es256,
            Clock clock,
            Duration refresh) {
        this.db = db;
        this.keys = keys;
        this.issuerName = issuerName;
        this.venueRules = venueRules;
        this.medicalRules = medicalRules;
        this.foreignTrust = foreignTrust;
        this.es256 = es256;
        this.clock = clock;
        this.refresh = refresh;
    }

    /**
     * The newest published bundle; publishes the first one if the database holds none. Once one is known, the
     * public route never waits on the database: one caller checks for a newer version while the others are
     * served the known one, and when the database cannot be read the known one is served on (it is signed and
     * dated, and no newer one can be published without the database). Scanners keep verifying either way.
     */
    public Published current() {
        Instant now = clock.instant();
        Published known = current;
        if (known != null && now.isBefore(checkedAt.plus(refresh))) {
            return known;
        }
        if (known == null) {
            lock.lock();
        } else if (!lock.tryLock()) {
            return known;
        }
        try {
            if (current == null || !now.isBefore(checkedAt.plus(refresh))) {
                try {
                    current = loadNewest().orElseGet(() -> publish("first start"));
                    // The announced bundle key's turn has come (on this node or another): the first node to see it
                    // publishes a bundle signed by it; scanners that held the announcement follow.
                    KeyId due = keys.bundleSigner().id();
                    if (!current.signer().equals(due)) {
                        current = publishLocked("bundle key rollover to " + due);
                    } else if (keys.ring()
                            .nextChangeAfter(current.createdAt())
                            .filter(change -> !change.isAfter(now))
                            .isPresent()) {
                        // A retired issuer key's last credential expired: the bundle stops listing it.
                        current = publishLocked("issuer key list changed");
                    }
                } catch (RuntimeException e) {
                    if (current == null) {
                        throw e;
                    }
                    log.warn(
                            "trust bundle: cannot check the database for a newer one; serving version {} ({})",
                            current.version(),
                            e.getMessage());
                }
                checkedAt = now;
            }
            return current;
        } finally {
            lock.unlock();
        }
    }

    /** Builds, signs, stores and starts serving a new bundle. */
    public Published publish(String why) {
        lock.lock();
        try {
            return publishLocked(why);
        } finally {
            lock.unlock();
        }
    }

    private Published publishLocked(String why) {
        Instant now = clock.instant();
        try (Connection c = db.getConnection()) {
            // Several nodes may publish at once (each publishes at start): one at a time, each above the last, so
            // no two compute the same version and the newest is always the last one signed (docs/adr/0021).
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("select pg_advisory_xact_lock(?)")) {
                s.setLong(1, PUBLICATION_LOCK);
                s.execute();
            }
            long version;
            try (PreparedStatement s = c.prepareStatement("select coalesce(max(version), 0) from trust_bundle");
                    ResultSet r = s.executeQuery()) {
                r.next();
                // Versions also increase across a database restore: never below the clock in milliseconds.
                version = Math.max(r.getLong(1) + 1, now.toEpochMilli());
            }
            KeyRing ring = keys.reload();
            SigningKey bundleKey = keys.bundleSigner();
            TrustBundle bundle = new TrustBundle(
                    version,
                    now,
                    // Every issuer key something unexpired may be signed by, each with its window (ADR 14).
                    ring.bundleIssuerKeys(now, issuerName),
                    revokedAt(c, now),
                    venueRules.get(),
                    foreignTrust.get(),
                    // The door decides a foreign pass's status by these, offline (docs/pass-format.md §6).
                    Optional.of(medicalRules.get()),
                    ring.bundleRevokedKeys(now),
                    ring.announcement(now));
            byte[] signed = TrustBundles.sign(bundle, bundleKey, es256);
            byte[] sha256 = Digests.sha256(signed);
            try (PreparedStatement s = c.prepareStatement(
                    "insert into trust_bundle (version, created_at, signed, sha256) values (?, ?, ?, ?)")) {
                s.setLong(1, version);
                s.setTimestamp(2, Timestamp.from(now));
                s.setBytes(3, signed);
                s.setBytes(4, sha256);
                s.executeUpdate();
            }
            c.commit();
            Published published = new Published(version, now, signed, etag(sha256), bundleKey.id());
            current = published;
            checkedAt = now;
            log.info(
                    "published trust bundle version {} ({} bytes, {} revoked): {}",
                    version,
                    signed.length,
                    bundle.revoked().size(),
                    why);
            return published;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot publish a trust bundle", e);
        }
    }

    /**
     * Deletes the bundles published before {@code before}, always keeping the newest: scanners only ever fetch
     * the current bundle, and an old one still lists serials revoked back then, which need not outlive the visits'
     * retention.
     *
     * @return how many were deleted
     */
    public int prune(Instant before) {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("delete from trust_bundle where created_at < ?"
                        + " and version < (select max(version) from trust_bundle)")) {
            s.setTimestamp(1, Timestamp.from(before));
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prune trust bundles older than " + before, e);
        }
    }

    private static Set<Serial> revokedAt(Connection c, Instant now) throws SQLException {
        Set<Serial> revoked = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement("select serial from revocation where expires_at > ?")) {
            s.setTimestamp(1, Timestamp.from(now));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    revoked.add(Serial.fromBytes(r.getBytes(1)));
                }
            }
        }
        return revoked;
    }

    private Optional<Published> loadNewest() {
        try (Connection c = db.getConnection()) {
            long newest;
            try (PreparedStatement s = c.prepareStatement("select max(version) from trust_bundle");
                    ResultSet r = s.executeQuery()) {
                r.next();
                newest = r.getLong(1);
                if (r.wasNull()) {
                    return Optional.empty();
                }
            }
            Published known = current;
            if (known != null && known.version() == newest) {
                return Optional.of(known);
            }
            try (PreparedStatement s = c.prepareStatement(
                    "select version, created_at, signed, sha256 from trust_bundle where version = ?")) {
                s.setLong(1, newest);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    byte[] signed = r.getBytes(3);
                    return Optional.of(new Published(
                            r.getLong(1),
                            r.getTimestamp(2).toInstant(),
                            signed,
                            etag(r.getBytes(4)),
                            signerOf(signed)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the newest trust bundle", e);
        }
    }

    /** A strong ETag from the bundle's hash. */
    private static String etag(byte[] sha256) {
        return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(sha256, 16)) + "\"";
    }

    /**
     * Whether the bundle served now announces {@code next} as the next bundle key: scanners can follow a switch to
     * it only then.
     */
    public boolean announces(KeyId next) {
        try {
            return TrustBundles.open(current().signed(), Optional.of(anchor()), es256)
                    .bundle()
                    .nextBundleKey()
                    .filter(k -> k.id().equals(next))
                    .isPresent();
        } catch (TrustBundleException e) {
            return false;
        }
    }

    /** The bundle key in a signed bundle's protected header. */
    private static KeyId signerOf(byte[] signed) {
        return KeyId.fromBytes(
                CoseSign1.decode(signed, 4096, TrustBundles.MAX_BUNDLE_BYTES).protectedKid());
    }

    /** The public key scanners must pin, as PEM: the one that signed the bundle served now. */
    public String anchorPem() {
        return Pem.publicKey(anchor());
    }

    /** The public key of the bundle key that signed the bundle served now. */
    public ECPublicKey anchor() {
        KeyId signer = current().signer();
        return keys.ring()
                .byKid(signer)
                .or(() -> keys.reload().byKid(signer))
                .orElseThrow(() -> new IllegalStateException("the served bundle is signed by unrecorded key " + signer))
                .publicKey();
    }
}
