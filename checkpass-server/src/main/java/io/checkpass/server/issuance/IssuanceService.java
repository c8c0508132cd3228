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
import io.checkpass.core.pass.PassRequest;
import io.checkpass.core.pass.PassStatus;
import io.checkpass.core.registry.HealthRecord;
import io.checkpass.core.status.StatusDecision;
import io.checkpass.core.status.StatusEngine;
import io.checkpass.server.db.GroupCommit;
import io.checkpass.server.keys.IssuerKeys;
import io.checkpass.server.refusal.Refusal;
import io.checkpass.server.refusal.Refused;
import io.checkpass.server.registry.Registry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Issues credentials to wallet providers and to the counter. Cheap per request, and idempotent per person, device,
 * assertion and day: a wallet that asks again while nothing changed gets the same credential, so a lunch-time storm
 * of refreshes costs reads, not signatures. The status and its window come from the medical rules in force (the
 * status engine) on the registry record as it is now, so a test result posted at 09:30 is in the 09:31 credential
 * (docs/adr/0013). The credential never outlives the rules it was decided under.
 */
public final class IssuanceService implements AutoCloseable {
    /** The device hash of a static (printed) pass. */
    private static final byte[] STATIC_DEVICE = new byte[32];
    /** A printed pass whose status has no end lasts a year at most (or until the rules change). */
    public static final Duration STATIC_PASS_MAX_LIFETIME = Duration.ofDays(365);

    private final Registry registry;
    private final IssuanceLedger ledger;
    private final StatusEngine statusEngine;
    private final IssuerKeys issuer;
    private final ClientRateLimiter clientLimits;
    private final int devicesPerPersonPerDay;
    private final Duration lifetime;
    private final Duration preIssueWindow;
    private final Es256 es256;
    private final Clock clock;
    private final LongSupplier rulesVersion;
    private final GroupCommit<Request, Reads> reads;

    /** What one request asks: a person's status at an instant, for a device, on an issuance day. */
    private record Request(String personId, byte[] deviceKeyHash, Instant statusAt, LocalDate issueDay) {}

    /**
     * What one request needs from the database before it can sign: the ledger's answer, whether its newest
     * credential can be served again as it is ({@code servable}), and otherwise the person's registry record (null
     * when unknown), the status decided on it (empty when no rules are in force) and what that status asserts.
     */
    private record Reads(
            IssuanceLedger.Today today,
            boolean servable,
            HealthRecord record,
            Optional<StatusDecision> decision,
            byte[] assertion,
            long rulesVersion) {}

    public IssuanceService(
            Registry registry,
            IssuanceLedger ledger,
            StatusEngine statusEngine,
            IssuerKeys issuer,
            ClientRateLimiter clientLimits,
            int devicesPerPersonPerDay,
            Duration lifetime,
            Duration preIssueWindow,
            Es256 es256,
            Clock clock,
            LongSupplier rulesVersion) {
        this.registry = registry;
        this.ledger = ledger;
        this.statusEngine = statusEngine;
        this.issuer = issuer;
        this.clientLimits = clientLimits;
        this.devicesPerPersonPerDay = devicesPerPersonPerDay;
        this.lifetime = lifetime;
        this.preIssueWindow = preIssueWindow;
        this.es256 = es256;
        this.clock = clock;
        this.rulesVersion = rulesVersion;
        // Concurrent requests read together: one registry query and one ledger query for all of them, instead of two
        // round trips each (ADR 11).
        this.reads = new GroupCommit<>("issuance-reads", this::readAll, 10_000, 256);
    }

    /**
     * One ledger query for all the waiting requests; a registry query only for those whose newest credential cannot
     * be served again as it is (a wallet asking again while nothing changed needs none).
     */
    private List<Reads> readAll(List<Request> requests) {
        long version = rulesVersion.getAsLong();
        Instant now = clock.instant();
        List<IssuanceLedger.Key> keys = new ArrayList<>(requests.size());
        for (Request r : requests) {
            keys.add(new IssuanceLedger.Key(r.personId(), r.deviceKeyHash(), r.issueDay()));
        }
        List<IssuanceLedger.Today> todays = ledger.lookupAll(keys);
        boolean[] servable = new boolean[requests.size()];
        Set<String> needed = new HashSet<>();
        for (int i = 0; i < requests.size(); i++) {
            servable[i] = servesAgain(todays.get(i), requests.get(i).statusAt(), now, version)
                    && signedByTrustedKey(todays.get(i).newest().get());
            if (!servable[i] && !todays.get(i).personRevoked()) {
                needed.add(requests.get(i).personId());
            }
        }
        Map<String, HealthRecord> records = needed.isEmpty() ? Map.of() : registry.findAll(needed);
        List<Reads> out = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            Request r = requests.get(i);
            HealthRecord record = servable[i] ? null : records.get(r.personId());
            Optional<StatusDecision> decision =
                    record == null ? Optional.empty() : statusEngine.decide(record, r.statusAt());
            byte[] assertion =
                    decision.map(d -> assertion(record, d, r.statusAt())).orElse(null);
            out.add(new Reads(todays.get(i), servable[i], record, decision, assertion, version));
        }
        return out;
    }

    /**
     * True if the device's newest credential can be served again as it is: not revoked and unexpired, and decided
     * on the person's registry record and medical rules as they are now, for an instant whose answer is the same.
     */
    private static boolean servesAgain(IssuanceLedger.Today today, Instant statusAt, Instant now, long rulesVersion) {
        return !today.personRevoked()
                && today.newest().isPresent()
                && !today.newestRevoked()
                && today.registryRevision().isPresent()
                && today.newest().get().expiresAt().isAfter(now)
                && today.newest()
                        .get()
                        .decidedFor(statusAt, today.registryRevision().get(), rulesVersion);
    }

    /**
     * Whether a credential on record still verifies at the door as to its key: not signed by a revoked key, nor by a
     * rotated-out key after its window (a credential issued ahead for after a rotation). Otherwise it is signed
     * again.
     */
    private boolean signedByTrustedKey(IssuanceLedger.Entry entry) {
        return issuer.stillTrusted(entry.credential(), entry.issuedAt());
    }

    /**
     * SHA-256 of what a credential asserts: the status and its window, the rule set and when the rules next change
     * (a decree published since is a new assertion), and the name and birth year it displays.
     */
    private byte[] assertion(HealthRecord record, StatusDecision d, Instant statusAt) {
        String text = String.join(
                "\n",
                d.status().id(),
                // UNVACCINATED holds from the instant asked about: any earlier credential saying so still says it.
                d.status() == PassStatus.UNVACCINATED
                        ? "-"
                        : Long.toString(d.validFrom().getEpochSecond()),
                d.validUntil().map(t -> Long.toString(t.getEpochSecond())).orElse("-"),
                d.ruleSetId(),
                statusEngine
                        .nextRulesChange(statusAt)
                        .map(t -> Long.toString(t.getEpochSecond()))
                        .orElse("-"),
                record.person().name(),
                Integer.toString(record.person().birthDate().getYear()));
        return Digests.sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Stops the batched reads; requests still waiting get their answers first. */
    @Override
    public void close() {
        reads.close();
    }

    /**
     * Issues (or re-serves) a credential for the order: a wallet credential for {@code issuance.credential-lifetime},
     * or a static (printed) pass for its status window.
     *
     * @throws Refused over the client's rate or the person's daily device limit, for an unknown or revoked person, or
     *     when no medical rules are in force
     */
    public IssueOutcome issue(String clientId, PassOrder order) {
        if (!clientLimits.tryAcquire(clientId)) {
            throw new Refused(new Refusal.ClientRateLimited(clientId, clientLimits.secondsUntilNextToken()));
        }
        Instant now = clock.instant();
        IssueOutcome outcome = issueAt(clientId, order, now, LocalDate.ofInstant(now, KST), now, now.plus(lifetime));
        return outcome.withNext(issueNext(clientId, order));
    }

    /**
     * The credential a wallet will need when the medical rules next change, if that is within {@code
     * issuance.pre-issue-window}: its status decided under the coming rules, valid from now to the end of that day
     * (docs/rules.md §Pre-issuance). The wallet keeps it and switches at the change, so that a rule that ends
     * millions of statuses at midnight does not send millions of wallets to the centre at midnight. Served from the
     * ledger when issue-ahead signed it already.
     */
    private Optional<IssueOutcome.Next> issueNext(String clientId, PassOrder order) {
        Instant now = clock.instant();
        Optional<Instant> change = statusEngine.nextRulesChange(now);
        if (change.isEmpty()
                || change.get().isAfter(now.plus(preIssueWindow))
                || order.deviceKey().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new IssueOutcome.Next(change.get(), issueFor(clientId, order, change.get())));
    }

    /**
     * Pre-issues the credential a wallet will get on {@code day} (docs/principles.md §3: bulk pre-issuance ahead of an
     * enforcement day): the status as of that day's start, valid from now until the day ends. When the wallet asks
     * on that day it is served from the ledger, with no signature at lunch.
     */
    public IssueOutcome issueAhead(String clientId, PassOrder order, LocalDate day) {
        return issueFor(clientId, order, day.atStartOfDay(KST).toInstant());
    }

    /** The status at {@code statusAt} (or now, if later), valid from now until the end of that day. */
    private IssueOutcome issueFor(String clientId, PassOrder order, Instant statusAt) {
        Instant now = clock.instant();
        LocalDate day = LocalDate.ofInstant(statusAt, KST);
        Instant dayEnd = day.plusDays(1).atStartOfDay(KST).toInstant();
        return issueAt(clientId, order, statusAt.isAfter(now) ? statusAt : now, day, now, dayEnd);
    }

    /** What a bulk pre-issuance did. */
    public record AheadSummary(long eligible, long credentials, long notEligible) {}

    /** Whom a bulk pre-issuance covers. */
    public enum AheadScope {
        /** Everyone with a status other than unvaccinated at the day's start. */
        ELIGIBLE,
        /**
         * Every person with a known device, whatever the coming rules say of them: before a rule change, so that the
         * devices whose statuses it ends do not all come back at once when it takes force.
         */
        KNOWN_DEVICES
    }

    /** Follows a bulk pre-issuance: one step per person, and each person whose issuance was refused. */
    public interface AheadProgress {
        void person(String personId);

        void refused(String personId, Refusal refusal);
    }

    /**
     * Pre-issues, for everyone in {@code scope} on {@code day}, the credential each known device of theirs will ask
     * for that day and, if {@code staticPasses}, a static pass. A refused person (a revoked one, say) is reported to
     * {@code progress} and skipped; the rest go on.
     */
    public AheadSummary issueAheadForAll(
            String clientId, LocalDate day, AheadScope scope, boolean staticPasses, AheadProgress progress) {
        Map<String, byte[]> devices = ledger.latestDeviceKeys();
        Instant dayStart = day.atStartOfDay(KST).toInstant();
        long[] eligible = {0}, credentials = {0}, notEligible = {0};
        registry.forEach(record -> {
            String personId = record.person().personId();
            progress.person(personId);
            Optional<StatusDecision> decision = statusEngine.decide(record, dayStart);
            boolean isEligible = decision.isPresent() && decision.get().statusAt(dayStart) != PassStatus.UNVACCINATED;
            byte[] device = devices.get(personId);
            if (!isEligible) {
                notEligible[0]++;
                if (scope == AheadScope.ELIGIBLE || device == null || decision.isEmpty()) {
                    return;
                }
            } else {
                eligible[0]++;
            }
            try {
                if (device != null) {
                    issueAhead(clientId, new PassOrder(personId, Optional.of(es256.publicKey(device))), day);
                    credentials[0]++;
                }
                if (staticPasses && isEligible) {
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
     * status it carries, {@code issuedAt} its issued-at and {@code walletExpiry} a wallet credential's latest expiry.
     */
    private IssueOutcome issueAt(
            String clientId,
            PassOrder order,
            Instant statusAt,
            LocalDate issueDay,
            Instant issuedAt,
            Instant walletExpiry) {
        byte[] deviceKey = order.deviceKey().map(EcPoints::compressed).orElse(null);
        byte[] deviceHash = deviceKey == null ? STATIC_DEVICE : Digests.sha256(deviceKey);
        Reads read = reads.submit(new Request(order.personId(), deviceHash, statusAt, issueDay));
        IssuanceLedger.Today today = read.today();
        if (today.personRevoked()) {
            throw new Refused(new Refusal.PersonRevoked(order.personId()));
        }
        if (read.servable()) {
            return reused(today.newest().get(), Optional.empty());
        }
        if (read.record() == null) {
            throw new Refused(new Refusal.UnknownPerson(order.personId()));
        }
        StatusDecision decision = read.decision().orElseThrow(() -> new Refused(new Refusal.NoRulesInForce(statusAt)));
        // The record changed in a way this credential does not show (a phone number, say): it still says it all.
        Optional<IssuanceLedger.Entry> sameAssertion =
                today.newest().filter(e -> Arrays.equals(e.assertion(), read.assertion()));
        if (sameAssertion.isPresent()
                && !today.newestRevoked()
                && signedByTrustedKey(sameAssertion.get())
                && sameAssertion.get().expiresAt().isAfter(issuedAt)) {
            return reused(sameAssertion.get(), Optional.of(decision));
        }
        if (!today.deviceKnownToday() && today.devices() >= devicesPerPersonPerDay) {
            throw new Refused(new Refusal.DeviceLimitReached(
                    order.personId(), devicesPerPersonPerDay, secondsToMidnight(issuedAt)));
        }
        HealthRecord record = read.record();
        Instant expires = deviceKey == null
                ? untilTheRulesSaySomethingElse(record, decision, statusAt, staticExpiry(decision, issuedAt))
                : walletExpiry;
        // A credential does not outlive the rules it was decided under: the door cannot know what the new rules
        // would have said. The status window itself travels in the credential, so a status that ends sooner needs no
        // shorter wallet credential.
        // A printed pass was checked against the known changes above.
        Optional<Instant> rulesChange = deviceKey == null ? Optional.empty() : statusEngine.nextRulesChange(statusAt);
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
        // The key whose window covers the issued-at: after 'keys rotate' the new one, on every node (ADR 14).
        IssuedCredential issued =
                issuer.issuerAt(issuedAt).issue(request, issuedAt, Duration.between(issuedAt, expires));
        IssuanceLedger.Entry mine = new IssuanceLedger.Entry(
                issued.claims().serial(),
                order.personId(),
                clientId,
                deviceHash,
                deviceKey,
                issueDay,
                decision.status().id(),
                issued.claims().issuedAt(),
                issued.claims().expiresAt(),
                issued.encoded(),
                read.assertion(),
                sameAssertion.map(e -> e.generation() + 1).orElse(0),
                today.registryRevision().orElse(-1L),
                read.rulesVersion(),
                statusAt,
                decision.nextChange(),
                decision.ruleSetId(),
                decision.explanation());
        // The insert finds a credential with the same key when a concurrent request won (served, as the same answer),
        // or when an older credential with this assertion holds the generation (the assertion changed and came back):
        // that one may be revoked or expired, so this one takes the next generation.
        for (int attempt = 0; ; attempt++) {
            IssuanceLedger.Entry entry = ledger.record(mine);
            if (entry.serial().equals(mine.serial())) {
                return new IssueOutcome(
                        issued.claims(), issued.encoded(), false, decision.explanation(), decision.ruleSetId());
            }
            boolean concurrent = !entry.issuedAt().isBefore(issuedAt.minusSeconds(5));
            if (concurrent && entry.expiresAt().isAfter(issuedAt)) {
                return reused(entry, Optional.of(decision));
            }
            if (attempt >= 8) {
                throw new IllegalStateException("no free generation for " + order.personId() + " after 8 attempts");
            }
            mine = withGeneration(mine, entry.generation() + 1);
        }
    }

    private static IssuanceLedger.Entry withGeneration(IssuanceLedger.Entry e, int generation) {
        return new IssuanceLedger.Entry(
                e.serial(),
                e.personId(),
                e.clientId(),
                e.deviceKeyHash(),
                e.deviceKey(),
                e.issueDay(),
                e.status(),
                e.issuedAt(),
                e.expiresAt(),
                e.credential(),
                e.assertion(),
                generation,
                e.registryRevision(),
                e.rulesVersion(),
                e.decidedAt(),
                e.decidedUntil(),
                e.ruleSetId(),
                e.explanation());
    }

    /**
     * A printed pass lasts for its status window (docs/rules.md §Paper passes): to the window's end, or a year for a
     * status without one, and for a status that no longer holds (a lapsed vaccination in a guidance week) until the
     * answer next changes.
     */
    private static Instant staticExpiry(StatusDecision decision, Instant issuedAt) {
        Instant expiry = decision.validUntil()
                .filter(until -> until.isAfter(issuedAt))
                .orElse(issuedAt.plus(STATIC_PASS_MAX_LIFETIME));
        if (decision.statusAt(issuedAt) == PassStatus.UNVACCINATED
                || decision.validUntil().isEmpty()) {
            Optional<Instant> change = decision.nextChange().filter(t -> t.isAfter(issuedAt));
            if (change.isPresent() && change.get().isBefore(expiry)) {
                expiry = change.get();
            }
        }
        return expiry;
    }

    /**
     * A printed pass is not reprinted at every decree: it may outlive a known rule change that decides the same status
     * and window for the person (the rapid-antigen decree changes nothing for a vaccinated person). Returns the
     * {@code expiry}, or the first known change that would decide otherwise; the caller then caps the expiry at the
     * next change after that.
     */
    private Instant untilTheRulesSaySomethingElse(
            HealthRecord record, StatusDecision decision, Instant statusAt, Instant expiry) {
        Instant at = statusAt;
        while (true) {
            Optional<Instant> change = statusEngine.nextRulesChange(at);
            if (change.isEmpty() || !change.get().isBefore(expiry)) {
                return expiry;
            }
            Optional<StatusDecision> then = statusEngine.decide(record, change.get());
            if (then.isEmpty()
                    || then.get().status() != decision.status()
                    || !then.get().validFrom().equals(decision.validFrom())
                    || !then.get().validUntil().equals(decision.validUntil())) {
                return change.get();
            }
            at = change.get();
        }
    }

    /** A credential on record, served again, with the explanation of this request's decision or of the one on record. */
    private IssueOutcome reused(IssuanceLedger.Entry entry, Optional<StatusDecision> decision) {
        CoseSign1 cose = CoseSign1.decode(
                entry.credential(), PassFormat.MAX_PROTECTED_HEADER_BYTES, PassFormat.MAX_CREDENTIAL_BYTES);
        PassClaims claims = Credentials.decodeClaims(cose.payload(), es256);
        return new IssueOutcome(
                claims,
                entry.credential(),
                true,
                decision.map(StatusDecision::explanation).orElse(entry.explanation()),
                decision.map(StatusDecision::ruleSetId).orElse(entry.ruleSetId()));
    }

    private long secondsToMidnight(Instant now) {
        Instant midnight =
                LocalDate.ofInstant(now, KST).plusDays(1).atStartOfDay(KST).toInstant();
        return Math.max(1, Duration.between(now, midnight).toSeconds());
    }
}
