package io.checkpass.server.keys;

import io.checkpass.core.codec.CoseSign1;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.crypto.KeyId;
import io.checkpass.core.crypto.SigningKey;
import io.checkpass.core.pass.PassFormat;
import io.checkpass.core.pass.PassIssuer;
import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.db.Transactions;
import io.checkpass.server.keys.SigningKeyRecord.KeyRole;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The centre's signing keys over time (docs/adr/0014-key-rotation.md): the {@code signing_key} table says which key
 * signs what and when, so every node agrees; the {@link KeyVault} holds the private halves by alias and is used only
 * through its interface (PKCS#12 or PKCS#11 alike). Nodes re-read the table at most every {@code refresh}, so a
 * rotation, a rollover or a revocation made on one node (or by the CLI) takes effect on all within that interval.
 *
 * <p>Every change is audited in the transaction that makes it.
 */
public final class KeyLifecycle implements IssuerKeys {
    private static final Logger log = LoggerFactory.getLogger(KeyLifecycle.class);
    /** How long a key made by rotation is valid (its certificate), as the first keys are. */
    static final Duration KEY_VALIDITY = Duration.ofDays(3652);
    /** The first keys are valid from this far back, so a clock set in the 2021-22 pass era can still issue. */
    static final Duration FIRST_KEYS_BACKDATE = Duration.ofDays(1826);

    private final DataSource db;
    private final KeyVault vault;
    private final AuditLog audit;
    private final Es256 es256;
    private final Clock clock;
    private final Duration maxCredentialLifetime;
    private final Duration refresh;
    private final Map<KeyId, PassIssuer> issuers = new ConcurrentHashMap<>();
    private volatile KeyRing ring;
    private volatile Instant checkedAt = Instant.MIN;
    /** One issuer key, unrevoked: every credential on record was signed by it (read with {@link #ring}). */
    private volatile boolean neverRotated;

    private final ReentrantLock reloading = new ReentrantLock();

    /** A change made: the key it concerns and, for a rotation or a revocation of the current key, the new one. */
    public record Changed(SigningKeyRecord key, Optional<SigningKeyRecord> successor) {}

    private KeyLifecycle(
            DataSource db,
            KeyVault vault,
            AuditLog audit,
            Es256 es256,
            Clock clock,
            Duration maxCredentialLifetime,
            Duration refresh) {
        this.db = db;
        this.vault = vault;
        this.audit = audit;
        this.es256 = es256;
        this.clock = clock;
        this.maxCredentialLifetime = maxCredentialLifetime;
        this.refresh = refresh;
    }

    /**
     * Opens the lifecycle. On a centre's first start the vault gets its first keys ({@code issuer}, {@code bundle});
     * a database that records no key yet (a centre older than rotation, or a new one) records the vault's first keys,
     * windows from their certificates, so existing key directories keep working.
     *
     * @param maxCredentialLifetime the longest any credential lives: a retired issuer key stays in bundles this long
     */
    public static KeyLifecycle open(
            DataSource db,
            KeyVault vault,
            AuditLog audit,
            Es256 es256,
            Clock clock,
            Duration maxCredentialLifetime,
            Duration refresh) {
        KeyLifecycle lifecycle = new KeyLifecycle(db, vault, audit, es256, clock, maxCredentialLifetime, refresh);
        lifecycle.adoptFirstKeys();
        lifecycle.reload();
        return lifecycle;
    }

    private void adoptFirstKeys() {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                lock(c);
                List<SigningKeyRecord> known = load(c);
                for (KeyRole role : KeyRole.values()) {
                    if (known.stream().anyMatch(k -> k.role() == role)) {
                        continue;
                    }
                    Map<String, SigningKey> keys = vault.keys();
                    SigningKey key = keys.get(role.id());
                    if (key == null) {
                        Instant now = clock.instant();
                        log.info("first start: generating the {} key into {}", role.id(), vault.describe());
                        key = vault.generate(
                                role.id(),
                                role == KeyRole.ISSUER ? "checkpass issuer" : "checkpass trust bundle",
                                now.minus(FIRST_KEYS_BACKDATE),
                                now.minus(FIRST_KEYS_BACKDATE).plus(KEY_VALIDITY));
                    }
                    insert(c, key, role.id(), role, key.notBefore());
                    audit.record(
                            c,
                            "system",
                            "key.adopt",
                            role.id(),
                            Map.of(
                                    "kid",
                                    key.id().hex(),
                                    "role",
                                    role.id(),
                                    "from",
                                    key.notBefore().toString()));
                }
                c.commit();
            } catch (SQLException | IOException | RuntimeException e) {
                Transactions.rollbackAfter(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the first signing keys: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot open the signing keys in " + vault.describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The lifecycle as this node knows it: re-read from the database at most every {@code refresh}, by one caller
     * while the others go on with the known one (issuance calls this on every request). When the database cannot be
     * read the known lifecycle stays in force.
     */
    public KeyRing ring() {
        if (!clock.instant().isBefore(checkedAt.plus(refresh)) && reloading.tryLock()) {
            try {
                if (!clock.instant().isBefore(checkedAt.plus(refresh))) {
                    reload();
                }
            } catch (RuntimeException e) {
                log.warn("signing keys: cannot re-read the lifecycle; keeping the known one ({})", e.getMessage());
                checkedAt = clock.instant();
            } finally {
                reloading.unlock();
            }
        }
        return ring;
    }

    /** Re-reads the lifecycle now. */
    public KeyRing reload() {
        try (Connection c = db.getConnection()) {
            KeyRing fresh = new KeyRing(load(c), maxCredentialLifetime);
            List<SigningKeyRecord> issuerKeys = fresh.of(KeyRole.ISSUER);
            neverRotated = issuerKeys.size() == 1 && !issuerKeys.getFirst().revoked();
            ring = fresh;
            checkedAt = clock.instant();
            return fresh;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the signing keys: " + e.getMessage(), e);
        }
    }

    @Override
    public PassIssuer issuerAt(Instant issuedAt) {
        SigningKeyRecord key = ring().issuerAt(issuedAt)
                .orElseThrow(() -> new IllegalStateException("no issuer key may sign a credential issued at " + issuedAt
                        + ": every key is revoked or none covers that instant; run 'checkpass keys rotate'"));
        return issuers.computeIfAbsent(key.kid(), kid -> new PassIssuer(privateKey(key), es256, new SecureRandom()));
    }

    @Override
    public boolean stillTrusted(byte[] credential, Instant issuedAt) {
        KeyRing known = ring();
        if (neverRotated) {
            return true; // the only key there is signed it: the hot path parses nothing
        }
        KeyId kid;
        try {
            byte[] protectedKid = CoseSign1.decode(
                            credential, PassFormat.MAX_PROTECTED_HEADER_BYTES, PassFormat.MAX_CREDENTIAL_BYTES)
                    .protectedKid();
            kid = KeyId.fromBytes(protectedKid);
        } catch (RuntimeException e) {
            return false;
        }
        return known.byKid(kid)
                .filter(k -> k.role() == KeyRole.ISSUER && !k.revoked())
                .filter(k -> !issuedAt.isBefore(k.activeFrom()) && !issuedAt.isAfter(k.windowEnd()))
                .isPresent();
    }

    /** The key that signs bundles now. */
    public SigningKey bundleSigner() {
        SigningKeyRecord key = ring().bundleKeyAt(clock.instant())
                .orElseThrow(() -> new IllegalStateException("no bundle key signs at " + clock.instant()));
        return privateKey(key);
    }

    /** The key from the vault under the record's alias, checked to be the very key the database records. */
    private SigningKey privateKey(SigningKeyRecord key) {
        try {
            Map<String, SigningKey> keys = vault.keys();
            SigningKey held = keys.get(key.alias());
            if (held == null) {
                throw new IllegalStateException("the " + key.role().id() + " key " + key.kid() + " (alias '"
                        + key.alias() + "') is not in " + vault.describe()
                        + ": every node must reach the same keys (share the keys directory, or use the HSM)");
            }
            if (!held.id().equals(key.kid())) {
                throw new IllegalStateException(vault.describe() + " holds key " + held.id() + " under alias '"
                        + key.alias() + "', but the centre's database records " + key.kid()
                        + " there: this node has another centre's keys");
            }
            return held;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + vault.describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts a new issuer key at {@code at} (now, or later to let scanners fetch a bundle listing it first): the
     * current key's window ends there, the new one's begins, and credentials issued from then on are signed by the
     * new key. What the old key signed verifies until it expires.
     */
    public Changed rotateIssuer(String actor, Instant at) {
        Instant now = clock.instant();
        if (at.isBefore(now)) {
            throw new KeyChangeRefused("회전 시각은 과거일 수 없습니다 / the rotation instant " + at
                    + " is in the past: credentials the current key signed after it would be refused");
        }
        return change(c -> {
            KeyRing known = new KeyRing(load(c), maxCredentialLifetime);
            Optional<SigningKeyRecord> current = known.currentIssuer();
            if (current.isPresent() && !at.isAfter(current.get().activeFrom())) {
                throw new KeyChangeRefused("현재 키가 아직 시작되지 않았습니다 / the current issuer key "
                        + current.get().kid() + " starts at " + current.get().activeFrom()
                        + "; rotate after that instant");
            }
            SigningKeyRecord fresh = generate(c, known, KeyRole.ISSUER, at);
            if (current.isPresent()) {
                setUntil(c, current.get().kid(), at);
            }
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("kid", fresh.kid().hex());
            detail.put("at", at.toString());
            current.ifPresent(k -> detail.put("retires", k.kid().hex()));
            audit.record(c, actor, "key.rotate", fresh.alias(), detail);
            return new Changed(current.orElse(fresh), Optional.of(fresh));
        });
    }

    /**
     * Generates the next bundle key and records that it signs bundles from {@code switchAt} on. Until then bundles
     * are signed by the current key and announce this one, so scanners that fetch one follow without a reinstall.
     */
    public Changed rolloverBundle(String actor, Instant switchAt) {
        Instant now = clock.instant();
        if (!switchAt.isAfter(now)) {
            throw new KeyChangeRefused(
                    "전환 시각은 미래여야 합니다 / the switch instant " + switchAt
                            + " must be in the future: scanners learn the new key from a bundle signed by the current one first");
        }
        return change(c -> {
            KeyRing known = new KeyRing(load(c), maxCredentialLifetime);
            Optional<SigningKeyRecord> announced = known.nextBundleKeyAfter(now);
            if (announced.isPresent()) {
                throw new KeyChangeRefused(
                        "이미 예고된 번들 키가 있습니다 / bundle key " + announced.get().kid()
                                + " is already announced for " + announced.get().activeFrom()
                                + "; switch to it with 'checkpass keys switch-bundle' or wait");
            }
            SigningKeyRecord current = known.bundleKeyAt(now)
                    .orElseThrow(() -> new IllegalStateException("no bundle key signs at " + now));
            SigningKeyRecord fresh = generate(c, known, KeyRole.BUNDLE, switchAt);
            audit.record(
                    c,
                    actor,
                    "key.rollover",
                    fresh.alias(),
                    Map.of(
                            "kid",
                            fresh.kid().hex(),
                            "switchAt",
                            switchAt.toString(),
                            "replaces",
                            current.kid().hex()));
            return new Changed(current, Optional.of(fresh));
        });
    }

    /**
     * Brings the announced bundle key's switch forward to now.
     *
     * @param announcedInPublished whether the bundle scanners fetch now announces that key; without it they could not
     *     follow, so the switch is refused
     */
    public Changed switchBundleNow(String actor, java.util.function.Predicate<KeyId> announcedInPublished) {
        Instant now = clock.instant();
        return change(c -> {
            KeyRing known = new KeyRing(load(c), maxCredentialLifetime);
            SigningKeyRecord next = known.nextBundleKeyAfter(now)
                    .orElseThrow(() -> new KeyChangeRefused("예고된 번들 키가 없습니다 / no bundle key is announced;"
                            + " start a rollover with 'checkpass keys rotate --bundle'"));
            if (!announcedInPublished.test(next.kid())) {
                throw new KeyChangeRefused("게시된 번들이 새 키를 예고하지 않습니다 / the published bundle does not announce "
                        + next.kid() + " yet; publish one first");
            }
            SigningKeyRecord current = known.bundleKeyAt(now).orElseThrow();
            try (PreparedStatement s = c.prepareStatement("update signing_key set active_from = ? where kid = ?")) {
                s.setTimestamp(1, Timestamp.from(now));
                s.setBytes(2, next.kid().bytes());
                s.executeUpdate();
            }
            audit.record(
                    c,
                    actor,
                    "key.switch-bundle",
                    next.alias(),
                    Map.of(
                            "kid",
                            next.kid().hex(),
                            "at",
                            now.toString(),
                            "replaces",
                            current.kid().hex()));
            return new Changed(current, Optional.of(next));
        });
    }

    /**
     * Revokes an issuer key after a compromise: every credential it signed is refused from the next bundle on. If it
     * was the current key, a new one takes over at once.
     */
    public Changed revoke(String actor, KeyId kid, String reason) {
        Instant now = clock.instant();
        return change(c -> {
            KeyRing known = new KeyRing(load(c), maxCredentialLifetime);
            SigningKeyRecord key = known.byKid(kid)
                    .orElseThrow(() -> new KeyChangeRefused(
                            "그런 키가 없습니다 / no key " + kid + " is recorded; 'checkpass keys list' shows them"));
            if (key.role() != KeyRole.ISSUER) {
                throw new KeyChangeRefused("번들 키는 폐기할 수 없습니다 / " + kid + " is a bundle key: a compromised bundle"
                        + " key can announce any successor, so scanners must pin a new anchor (docs/operations.md,"
                        + " 'Rotating keys')");
            }
            if (key.revoked()) {
                throw new KeyChangeRefused("이미 폐기된 키입니다 / issuer key " + kid + " was revoked at "
                        + key.revokedAt().get());
            }
            boolean current =
                    known.currentIssuer().filter(k -> k.kid().equals(kid)).isPresent();
            Optional<SigningKeyRecord> successor = Optional.empty();
            if (current) {
                successor = Optional.of(generate(c, known, KeyRole.ISSUER, now));
                setUntil(c, kid, now);
            }
            try (PreparedStatement s = c.prepareStatement(
                    "update signing_key set revoked_at = ?, revoked_by = ?, revoked_reason = ? where kid = ?")) {
                s.setTimestamp(1, Timestamp.from(now));
                s.setString(2, actor);
                s.setString(3, reason);
                s.setBytes(4, kid.bytes());
                s.executeUpdate();
            }
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("kid", kid.hex());
            detail.put("reason", reason);
            successor.ifPresent(k -> detail.put("successor", k.kid().hex()));
            audit.record(c, actor, "key.revoke", key.alias(), detail);
            return new Changed(key, successor);
        });
    }

    private interface Change {
        Changed apply(Connection c) throws SQLException, IOException;
    }

    /** Runs a change in one transaction with the table locked (nodes and commands queue), then re-reads. */
    private Changed change(Change change) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                lock(c);
                Changed changed = change.apply(c);
                c.commit();
                reload();
                return changed;
            } catch (SQLException | IOException | RuntimeException e) {
                Transactions.rollbackAfter(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot change the signing keys: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a key to " + vault.describe() + ": " + e.getMessage(), e);
        }
    }

    private SigningKeyRecord generate(Connection c, KeyRing known, KeyRole role, Instant from)
            throws SQLException, IOException {
        String alias = known.nextAlias(role, vault.keys().keySet());
        SigningKey key = vault.generate(
                alias,
                role == KeyRole.ISSUER ? "checkpass issuer " + alias : "checkpass trust bundle " + alias,
                from,
                from.plus(KEY_VALIDITY));
        insert(c, key, alias, role, from);
        return new SigningKeyRecord(
                key.id(),
                alias,
                role,
                key.certificate(),
                clock.instant(),
                from,
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    private void insert(Connection c, SigningKey key, String alias, KeyRole role, Instant from) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into signing_key"
                + " (kid, alias, role, certificate, created_at, active_from) values (?, ?, ?, ?, ?, ?)")) {
            s.setBytes(1, key.id().bytes());
            s.setString(2, alias);
            s.setString(3, role.id());
            s.setBytes(4, key.certificate().getEncoded());
            s.setTimestamp(5, Timestamp.from(clock.instant()));
            s.setTimestamp(6, Timestamp.from(from));
            s.executeUpdate();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("key " + key.id() + " has an unencodable certificate", e);
        }
    }

    private static void setUntil(Connection c, KeyId kid, Instant until) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("update signing_key set active_until = ? where kid = ?")) {
            s.setTimestamp(1, Timestamp.from(until));
            s.setBytes(2, kid.bytes());
            s.executeUpdate();
        }
    }

    private static void lock(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("lock table signing_key in share row exclusive mode");
        }
    }

    private static List<SigningKeyRecord> load(Connection c) throws SQLException {
        List<SigningKeyRecord> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("select kid, alias, role, certificate, created_at, active_from,"
                        + " active_until, revoked_at, revoked_by from signing_key");
                ResultSet r = s.executeQuery()) {
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            while (r.next()) {
                out.add(new SigningKeyRecord(
                        KeyId.fromBytes(r.getBytes(1)),
                        r.getString(2),
                        KeyRole.of(r.getString(3)),
                        (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(r.getBytes(4))),
                        r.getTimestamp(5).toInstant(),
                        r.getTimestamp(6).toInstant(),
                        Optional.ofNullable(r.getTimestamp(7)).map(Timestamp::toInstant),
                        Optional.ofNullable(r.getTimestamp(8)).map(Timestamp::toInstant),
                        Optional.ofNullable(r.getString(9))));
            }
        } catch (CertificateException e) {
            throw new IllegalStateException("a recorded signing key has an unreadable certificate", e);
        }
        return out;
    }

    public Duration maxCredentialLifetime() {
        return maxCredentialLifetime;
    }

    /** Where the private keys are: a PKCS#12 file or a PKCS#11 token. */
    public KeyVaults.Kind vaultKind() {
        return KeyVaults.kindOf(vault);
    }

    public String describeVault() {
        return vault.describe();
    }
}
