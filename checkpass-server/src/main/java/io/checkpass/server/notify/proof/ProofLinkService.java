package io.checkpass.server.notify.proof;

import static io.checkpass.server.db.Transactions.inTransaction;

import io.checkpass.core.crypto.Digests;
import io.checkpass.core.pass.PassClaims;
import io.checkpass.core.pass.PassStatus;
import io.checkpass.core.registry.PersonId;
import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.issuance.IssuanceService;
import io.checkpass.server.issuance.IssueOutcome;
import io.checkpass.server.issuance.PassOrder;
import io.checkpass.server.notify.ProofLinks;
import io.checkpass.server.refusal.Refusal;
import io.checkpass.server.refusal.Refused;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The SMS proof, verifiable (docs/adr/0018): a short link to the person's <em>paper pass</em>, the static credential a
 * counter prints (CHECK_ID at the door: the door compares the name and birth year with an ID card). The text message
 * proves nothing; the QR behind the link does, and the door checks the QR.
 *
 * <p>A link is {@code <server.public-base-url>/p/<token>}: 22 characters of base64url, 128 bits from
 * {@link SecureRandom}, kept only as a SHA-256 hash (table {@code identity.proof_link}, V14). It opens that person's
 * paper pass and nothing else, read-only, and ends with the paper pass it was made for: the earlier of the status
 * window's end and the paper pass's expiry. The pass itself comes from {@link IssuanceService} as the counter's does
 * (one issuance, one ledger), issued again when the link is opened, so a status revoked or changed since shows as
 * an ended link, never as the old pass.
 */
public final class ProofLinkService implements ProofLinks {
    /** The client id the ledger records for paper passes issued through proof links. */
    public static final String CLIENT_ID = "proof-link";

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final DataSource identity;
    private final IssuanceService issuance;
    private final AuditLog audit;
    private final Clock clock;
    private final URI publicBase;
    private final SecureRandom random = new SecureRandom();

    /** @param publicBase {@code server.public-base-url}: where people reach this centre, without a trailing slash */
    public ProofLinkService(
            DataSource identity, IssuanceService issuance, AuditLog audit, Clock clock, URI publicBase) {
        this.identity = identity;
        this.issuance = issuance;
        this.audit = audit;
        this.clock = clock;
        String base = publicBase.toString();
        this.publicBase = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    }

    /** What opening a link shows. */
    public sealed interface Opened {
        /** The paper pass, valid until {@code validUntil} (exclusive). */
        record Shown(IssueOutcome pass, Instant validUntil) implements Opened {}

        /** The link's paper pass has ended (or the status it showed has been withdrawn). */
        record Expired() implements Opened {}

        /** No link has this token. */
        record Unknown() implements Opened {}
    }

    @Override
    public Optional<URI> paperPassLink(PersonId person) {
        Instant now = clock.instant();
        Optional<IssueOutcome> pass = paperPass(person.value(), now);
        if (pass.isEmpty()) {
            return Optional.empty();
        }
        Instant until = validUntil(pass.get().claims());
        byte[] secret = new byte[16];
        random.nextBytes(secret);
        String token = B64.encodeToString(secret);
        inTransaction(identity, "cannot store a proof link", c -> {
            // Links that ended a week ago open nothing but "expired": each new link clears them, so the table stays
            // small.
            try (PreparedStatement s = c.prepareStatement("delete from proof_link where expires_at < ?")) {
                s.setTimestamp(1, Timestamp.from(now.minus(Duration.ofDays(7))));
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement(
                    "insert into proof_link (token_sha256, person_id, created_at, expires_at) values (?, ?, ?, ?)")) {
                s.setBytes(1, hash(token));
                s.setString(2, person.value());
                s.setTimestamp(3, Timestamp.from(now));
                s.setTimestamp(4, Timestamp.from(until));
                s.executeUpdate();
            }
            audit.record(
                    c,
                    CLIENT_ID,
                    "proof-link-create",
                    "person:" + person.value(),
                    Map.of(
                            "expiresAt",
                            until.toString(),
                            "serial",
                            pass.get().claims().serial().hex()));
            return null;
        });
        return Optional.of(URI.create(publicBase + "/p/" + token));
    }

    /** The paper pass behind a link, if the link is known and has not ended. */
    public Opened open(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return new Opened.Unknown();
        }
        Instant now = clock.instant();
        Optional<Link> link = inTransaction(identity, "cannot read proof links", c -> {
            try (PreparedStatement s =
                    c.prepareStatement("select person_id, expires_at from proof_link where token_sha256 = ?")) {
                s.setBytes(1, hash(token));
                try (ResultSet r = s.executeQuery()) {
                    return r.next()
                            ? Optional.of(
                                    new Link(r.getString(1), r.getTimestamp(2).toInstant()))
                            : Optional.empty();
                }
            }
        });
        if (link.isEmpty()) {
            return new Opened.Unknown();
        }
        if (!link.get().expiresAt().isAfter(now)) {
            return new Opened.Expired();
        }
        Optional<IssueOutcome> pass = paperPass(link.get().personId(), now);
        if (pass.isEmpty()) {
            return new Opened.Expired();
        }
        Instant until = validUntil(pass.get().claims());
        return new Opened.Shown(
                pass.get(),
                until.isBefore(link.get().expiresAt()) ? until : link.get().expiresAt());
    }

    /**
     * The person's paper pass now, if it shows a status that admits anywhere and holds past now: a pass saying
     * "unvaccinated" is no proof, and an unknown or revoked person has none.
     *
     * @throws Refused when issuance is refused for a while (the client's rate, no rules in force)
     */
    private Optional<IssueOutcome> paperPass(String personId, Instant now) {
        IssueOutcome pass;
        try {
            pass = issuance.issue(CLIENT_ID, new PassOrder(personId, Optional.empty()));
        } catch (Refused refused) {
            // A person unknown or revoked has no paper pass; a rate limit or a gap in the rules passes, and is retried.
            if (refused.refusal() instanceof Refusal.UnknownPerson
                    || refused.refusal() instanceof Refusal.PersonRevoked) {
                return Optional.empty();
            }
            throw refused;
        }
        PassClaims claims = pass.claims();
        boolean holds = claims.status() != PassStatus.UNVACCINATED
                && !claims.statusValidFrom().isAfter(now)
                && validUntil(claims).isAfter(now);
        return holds ? Optional.of(pass) : Optional.empty();
    }

    /** A paper pass holds while both the status and the credential do (docs/rules.md §Paper passes). */
    static Instant validUntil(PassClaims claims) {
        return claims.statusValidUntil()
                .filter(t -> t.isBefore(claims.expiresAt()))
                .orElse(claims.expiresAt());
    }

    private static byte[] hash(String token) {
        return Digests.sha256(token.getBytes(StandardCharsets.US_ASCII));
    }

    private record Link(String personId, Instant expiresAt) {}
}
