package io.checkpass.server.issuance;

import static io.checkpass.core.time.KoreaTime.KST;

import io.checkpass.core.codec.CoseSign1;
import io.checkpass.core.crypto.Digests;
import io.checkpass.core.crypto.EcPoints;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.pass.Credentials;
import io.checkpass.core.pass.DisplayHint;
import io.checkpass.core.pass.IssuedCredential;
import io.checkpass.core.pass.PassClaims;
import io.checkpass.core.pass.PassFormat;
import io.checkpass.core.pass.PassIssuer;
import io.checkpass.core.pass.PassRequest;
import io.checkpass.core.pass.PassStatus;
import io.checkpass.core.registry.HealthRecord;
import io.checkpass.core.rules.LocalizedText;
import io.checkpass.core.status.StatusDecision;
import io.checkpass.core.status.StatusEngine;
import io.checkpass.server.db.GroupCommit;
import io.checkpass.server.refusal.Refusal;
import io.checkpass.server.refusal.Refused;
import io.checkpass.server.registry.Registry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Issues credentials to wallet providers. Cheap per request, and idempotent per person, device and
 * day: a wallet that asks again gets the same credential, so a lunch-time storm of refreshes costs reads, not
 * signatures. The status and its window come from the medical rules in force (the status engine); the
 * credential never outlives the rules it was decided under.
 */
public final class IssuanceService implements AutoCloseable {
    /** Issuance days are Korean calendar days. */
    private static final byte[] STATIC_DEVICE = new byte[32];

    private final Registry registry;
    private final IssuanceLedger ledger;
    private final StatusEngine statusEngine;
    private final PassIssuer issuer;
    private final ClientRateLimiter clientLimits;
    private final int devicesPerPersonPerDay;
    private final Duration lifetime;
    private final Es256 es256;
    private final Clock clock;
    private final GroupCommit<IssuanceLedger.Key, Reads> reads;

    /**
     * What one request needs from the database before it can sign: the ledger's answer and, unless that already
     * holds a credential to serve again, the person's registry record ({@code registryRead}; null when unknown).
     */
    private record Reads(IssuanceLedger.Today today, boolean registryRead, HealthRecord record) {}

    public IssuanceService(
            Registry registry,
            IssuanceLedger ledger,
            StatusEngine statusEngine,
            PassIssuer issuer,
            ClientRateLimiter clientLimits,
            int devicesPerPersonPerDay,
            Duration lifetime,
            Es256 es256,
            Clock clock) {
        this.registry = registry;
        this.ledger = ledger;
        this.statusEngine = statusEngine;
        this.issuer = issuer;
        this.clientLimits = clientLimits;
        this.devicesPerPersonPerDay = devicesPerPersonPerDay;
        this.lifetime = lifetime;
        this.es256 = es256;
        this.clock = clock;
        // Concurrent requests read together: one ledger query and one registry query for all of them, instead of two
        // round trips each: 2.7k → 5.5k fresh credentials/s on the project machine (ADR 11).
        this.reads = new GroupCommit<>("issuance-reads", this::readAll, 10_000, 256);
    }

    private List<Reads> readAll(List<IssuanceLedger.Key> keys) {
        List<IssuanceLedger.Today> todays = ledger.lookupAll(keys);
        Instant now = clock.instant();
        // The same test as each request's own; a credential that expires in between is read singly there.
        Set<String> needed = new HashSet<>();
        for (int i = 0; i < keys.size(); i++) {
            if (!servesAgain(todays.get(i), now)) {
                needed.add(keys.get(i).personId());
            }
        }
        Map<String, HealthRecord> records = registry.findAll(needed);
        List<Reads> out = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            String person = keys.get(i).personId();
            out.add(new Reads(todays.get(i), needed.contains(person), records.get(person)));
        }
        return out;
    }

    private static boolean servesAgain(IssuanceLedger.Today today, Instant at) {
        return today.existing().isPresent()
                && today.existing().get().expiresAt().isAfter(at);
    }

    /** Stops the batched reads; requests still waiting get their answers first. */
    @Override
    public void close() {
        reads.close();
    }

    /**
     * Issues (or re-serves) a credential for the order.
     *
     * @throws Refused over the client's rate or the person's daily device limit, for an unknown person, or when no
     *     medical rules are in force
     */
    public IssueOutcome issue(String clientId, PassOrder order) {
        if (!clientLimits.tryAcquire(clientId)) {
            throw new Refused(new Refusal.ClientRateLimited(clientId, clientLimits.secondsUntilNextToken()));
        }
        Instant now = clock.instant();
        return issueAt(clientId, order, now, LocalDate.ofInstant(now, KST), now, now.plus(lifetime));
    }

    /**
     * Pre-issues the credential a wallet will get on {@code day} (docs/principles.md §3: bulk pre-issuance ahead of an
     * enforcement day): the status as of that day's start, valid from now until the day ends. When the wallet asks
     * on that day it is served from the ledger, with no signature at lunch.
     */
    public IssueOutcome issueAhead(String clientId, PassOrder order, LocalDate day) {
        Instant now = clock.instant();
        Instant dayStart = day.atStartOfDay(KST).toInstant();
        Instant dayEnd = day.plusDays(1).atStartOfDay(KST).toInstant();
        return issueAt(clientId, order, dayStart.isAfter(now) ? dayStart : now, day, now, dayEnd);
    }

    /** What a bulk pre-issuance did. */
    public record AheadSummary(long eligible, long credentials, long notEligible) {}

    /** Follows a bulk pre-issuance: one step per person, and each person whose issuance was refused. */
    public interface AheadProgress {
        void person(String personId);

        void refused(String personId, Refusal refusal);
    }

    /**
     * Pre-issues, for everyone eligible on {@code day} (a status other than unvaccinated at the day's start), the
     * credential each known device of theirs will ask for that day and, if {@code staticPasses}, a static pass. A
     * refused person is reported to {@code progress} and skipped; the rest go on.
     */
    public AheadSummary issueAheadForAll(String clientId, LocalDate day, boolean staticPasses, AheadProgress progress) {
        Map<String, byte[]> devices = ledger.latestDeviceKeys();
        Instant dayStart = day.atStartOfDay(KST).toInstant();
        long[] eligible = {0}, credentials = {0}, notEligible = {0};
        registry.forEach(record -> {
            String personId = record.person().personId();
            progress.person(personId);
            Optional<StatusDecision> decision = statusEngine.decide(record, dayStart);
            if (decision.isEmpty() || decision.get().status() == PassStatus.UNVACCINATED) {
                notEligible[0]++;
                return;
            }
            eligible[0]++;
            byte[] device = devices.get(personId);
            try {
                if (device != null) {
                    issueAhead(clientId, new PassOrder(personId, Optional.of(es256.publicKey(device))), day);
                    credentials[0]++;
                }
                if (staticPasses) {
                    issueAhead(clientId, new PassOrder(personId, Optional.empty()), day);
                    credentials[0]++;
                }
            } catch (Refused e) {
                progress.refused(personId, e.refusal());
            }
        });
        return new AheadSummary(eligible[0], credentials[0], notEligible[0]);
    }

    /**
     * Issues for a given day: {@code issueDay} is the day the credential is for, {@code statusAt} the instant whose
     * status it carries, {@code issuedAt} its issued-at and {@code expiresAt} its latest expiry.
     */
    private IssueOutcome issueAt(
            String clientId,
            PassOrder order,
            Instant statusAt,
            LocalDate issueDay,
            Instant issuedAt,
            Instant expiresAt) {
        byte[] deviceKey = order.deviceKey().map(EcPoints::compressed).orElse(null);
        byte[] deviceHash = deviceKey == null ? STATIC_DEVICE : Digests.sha256(deviceKey);
        Reads read = reads.submit(new IssuanceLedger.Key(order.personId(), deviceHash, issueDay));
        IssuanceLedger.Today today = read.today();
        Optional<IssuanceLedger.Entry> existing = today.existing();
        if (servesAgain(today, issuedAt)) {
            return reused(existing.get());
        }
        HealthRecord record = (read.registryRead()
                        ? Optional.ofNullable(read.record())
                        : registry.find(order.personId()))
                .orElseThrow(() -> new Refused(new Refusal.UnknownPerson(order.personId())));
        if (existing.isEmpty() && today.devices() >= devicesPerPersonPerDay) {
            throw new Refused(new Refusal.DeviceLimitReached(
                    order.personId(), devicesPerPersonPerDay, secondsToMidnight(issuedAt)));
        }
        StatusDecision decision = statusEngine
                .decide(record, statusAt)
                .orElseThrow(() -> new Refused(new Refusal.NoRulesInForce(statusAt)));
        // The status window travels in the credential, so a status that ends sooner needs no shorter credential; a
        // change of the rules themselves does (the door cannot know what the new rules would have said).
        Instant expires = expiresAt;
        Optional<Instant> rulesChange = statusEngine.nextRulesChange(statusAt);
        if (rulesChange.isPresent()
                && rulesChange.get().isBefore(expires)
                && rulesChange.get().isAfter(issuedAt)) {
            expires = rulesChange.get();
        }
        PassRequest request = new PassRequest(
                decision.status(),
                decision.validFrom(),
                decision.validUntil(),
                DisplayHint.of(
                        record.person().name(), record.person().birthDate().getYear()),
                order.deviceKey());
        IssuedCredential issued = issuer.issue(request, issuedAt, Duration.between(issuedAt, expires));
        IssuanceLedger.Entry entry = ledger.record(new IssuanceLedger.Entry(
                issued.claims().serial(),
                order.personId(),
                clientId,
                deviceHash,
                deviceKey,
                issueDay,
                decision.status().id(),
                issued.claims().issuedAt(),
                issued.claims().expiresAt(),
                issued.encoded()));
        if (entry.serial().equals(issued.claims().serial())) {
            return new IssueOutcome(
                    issued.claims(), issued.encoded(), false, decision.explanation(), decision.ruleSetId());
        }
        return reused(entry);
    }

    private IssueOutcome reused(IssuanceLedger.Entry entry) {
        CoseSign1 cose = CoseSign1.decode(
                entry.credential(), PassFormat.MAX_PROTECTED_HEADER_BYTES, PassFormat.MAX_CREDENTIAL_BYTES);
        PassClaims claims = Credentials.decodeClaims(cose.payload(), es256);
        return new IssueOutcome(
                claims, entry.credential(), true, new LocalizedText("오늘 발급된 패스", "Issued earlier today"), "");
    }

    private long secondsToMidnight(Instant now) {
        Instant midnight =
                LocalDate.ofInstant(now, KST).plusDays(1).atStartOfDay(KST).toInstant();
        return Math.max(1, Duration.between(now, midnight).toSeconds());
    }
}
