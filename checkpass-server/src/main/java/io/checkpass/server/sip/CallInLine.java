package io.checkpass.server.sip;

import io.checkpass.core.registry.PhoneNumber;
import io.checkpass.server.visits.CheckIn;
import io.checkpass.server.visits.CheckInLog;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 안심콜 line behind the transports: a user-agent server that never answers. An INVITE to a venue's number
 * gets 100 Trying, its CALL check-in is stored durably, and then the call is declined (603 with a Q.850 "normal
 * clearing" Reason), so no dialog exists and nothing is billed. docs/sip.md gives the reasons for each response.
 *
 * <p>Requests are matched to {@link ServerTransaction}s by branch and sent-by (RFC 3261 §17.2.3); a
 * retransmission is answered from its transaction and never reaches the check-in log. Each request is handled on
 * its own virtual thread by the endpoint; the database write blocks only that thread.
 */
final class CallInLine {
    static final String ALLOW = "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE";
    /** Q.850 cause 16, normal call clearing: the PSTN side releases the call as ended, not as failed (RFC 3326). */
    static final String REGISTERED = "Reason: Q.850;cause=16;text=\"check-in registered\"";

    private static final Set<String> URI_SCHEMES = Set.of("sip", "sips", "tel");
    private static final Duration WARNING_INTERVAL = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(CallInLine.class);

    private final Function<String, Optional<String>> venueByCallNumber;
    private final CheckInLog checkIns;
    private final Clock clock;
    private final SipSettings settings;
    private final RecentCalls recentCalls;
    /** Which check-in a call logs, agreed with the other nodes; empty for a centre that runs alone. */
    private final Optional<SharedCalls> sharedCalls;

    private final ConcurrentHashMap<String, ServerTransaction> transactions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final AtomicReference<Instant> lastWarning = new AtomicReference<>(Instant.MIN);
    private final AtomicInteger unwarned = new AtomicInteger();

    CallInLine(
            Function<String, Optional<String>> venueByCallNumber,
            CheckInLog checkIns,
            Clock clock,
            SipSettings settings) {
        this(venueByCallNumber, checkIns, clock, settings, Optional.empty());
    }

    CallInLine(
            Function<String, Optional<String>> venueByCallNumber,
            CheckInLog checkIns,
            Clock clock,
            SipSettings settings,
            Optional<SharedCalls> sharedCalls) {
        this.venueByCallNumber = venueByCallNumber;
        this.checkIns = checkIns;
        this.clock = clock;
        this.settings = settings;
        this.recentCalls = new RecentCalls(settings.callMemory(), settings.maxCalls());
        this.sharedCalls = sharedCalls;
    }

    /** Handles one received message. Never throws: a bug in one request must not stop the receive loop. */
    void receive(SipParser.Parsed parsed, SipPeer peer) {
        try {
            switch (parsed) {
                case SipParser.Dropped d ->
                    log.debug("dropped a message from {}:{}: {}", peer.sourceIp(), peer.sourcePort(), d.why());
                case SipParser.Invalid i -> {
                    if (!i.request().method().equals("ACK")) { // an ACK is never answered (§17.1.1.3)
                        statelessResponse(i.request(), peer, i.status(), i.reason(), List.of());
                    }
                }
                case SipParser.Request r -> handle(r.request(), peer);
            }
        } catch (RuntimeException e) {
            log.error("SIP request from {}:{} failed", peer.sourceIp(), peer.sourcePort(), e);
        }
    }

    /**
     * When the endpoint has too many requests in hand: ACKs and retransmissions are still served from their
     * transactions (cheap, and a 503 to a copy of a call being stored would deny a stored check-in); a new
     * request gets 503 without state.
     */
    void overloaded(SipParser.Parsed parsed, SipPeer peer) {
        try {
            if (parsed instanceof SipParser.Request(SipRequest request)
                    && !matchesTransaction(request, clock.instant())) {
                statelessResponse(request, peer, 503, "Service Unavailable", List.of(retryAfter()));
            }
        } catch (RuntimeException e) {
            log.error("SIP request from {}:{} failed", peer.sourceIp(), peer.sourcePort(), e);
        }
    }

    /** Fires due transaction timers and forgets expired state. */
    void tick() {
        Instant now = clock.instant();
        transactions.values().removeIf(t -> t.tick(now));
        recentCalls.forgetExpired(now);
    }

    int transactionCount() {
        return transactions.size();
    }

    /**
     * Serves an ACK or a retransmission from its transaction; true if the request is thereby handled. An ACK is
     * always handled: the ACK for a non-2xx final response carries the INVITE's branch (§17.1.1.3), and other ACKs
     * have no transaction here.
     */
    private boolean matchesTransaction(SipRequest request, Instant now) {
        if (request.method().equals("ACK")) {
            ServerTransaction invite = transactions.get(transactionKey(request, "INVITE"));
            if (invite != null) {
                invite.acknowledged(now);
            }
            return true;
        }
        ServerTransaction existing = transactions.get(transactionKey(request, request.method()));
        if (existing != null) {
            existing.retransmitted();
            return true;
        }
        return false;
    }

    private void handle(SipRequest request, SipPeer peer) {
        Instant now = clock.instant();
        if (matchesTransaction(request, now)) {
            return;
        }
        String key = transactionKey(request, request.method());
        if (transactions.size() >= settings.maxTransactions()) {
            statelessResponse(request, peer, 503, "Service Unavailable", List.of(retryAfter()));
            return;
        }
        ServerTransaction cancelled =
                request.method().equals("CANCEL") ? transactions.get(transactionKey(request, "INVITE")) : null;
        // §9.2: the 200 to a CANCEL carries the To tag of the responses to the INVITE.
        ServerTransaction tx =
                new ServerTransaction(request, peer, cancelled != null ? cancelled.toTag : newTag(), settings);
        ServerTransaction existing = transactions.putIfAbsent(key, tx);
        if (existing != null) {
            existing.retransmitted();
            return;
        }
        dispatch(tx, cancelled, now);
    }

    private void dispatch(ServerTransaction tx, ServerTransaction cancelled, Instant now) {
        SipRequest request = tx.request;
        List<String> required = request.method().equals("CANCEL") ? List.of() : request.all("require");
        if (!required.isEmpty()) {
            tx.respond(420, "Bad Extension", List.of("Unsupported: " + String.join(", ", required)), now);
            return;
        }
        if (!URI_SCHEMES.contains(SipRequest.lower(
                request.requestUri().substring(0, request.requestUri().indexOf(':'))))) {
            tx.respond(416, "Unsupported URI Scheme", List.of(), now);
            return;
        }
        switch (request.method()) {
            case "INVITE" -> invite(tx, now);
            case "CANCEL" -> cancel(tx, cancelled, now);
            case "OPTIONS" -> tx.respond(200, "OK", List.of(ALLOW, "Accept: application/sdp"), now);
            case "BYE" -> tx.respond(481, "Call/Transaction Does Not Exist", List.of(), now); // we never make a dialog
            default -> tx.respond(405, "Method Not Allowed", List.of(ALLOW), now);
        }
    }

    private void invite(ServerTransaction tx, Instant now) {
        SipRequest request = tx.request;
        tx.respond(100, "Trying", List.of(), now);
        if (request.to().tag().isPresent()) {
            tx.respond(481, "Call/Transaction Does Not Exist", List.of(), now); // a re-INVITE: there is no dialog
            return;
        }
        Optional<PhoneNumber> number = SipAddress.telephoneNumber(request.requestUri());
        // The caller cannot try again later: while the database fails over, keep trying within the transaction
        // (the venue lookup reads it too).
        long giveUpAt = System.nanoTime() + settings.rideThrough().toNanos();
        Optional<String> venueId;
        try {
            venueId =
                    rideThrough(giveUpAt, () -> number.map(PhoneNumber::digits).flatMap(venueByCallNumber));
        } catch (RuntimeException e) {
            unavailable(tx, "venue lookup failed", e);
            return;
        }
        if (venueId.isEmpty()) {
            log.debug(
                    "INVITE to {}: no venue has number {}",
                    request.requestUri(),
                    number.map(PhoneNumber::digits).orElse("-"));
            tx.respond(404, "Not Found", List.of(), now);
            return;
        }
        Optional<PhoneNumber> caller = caller(request);
        if (caller.isEmpty()) {
            tx.respond(433, "Anonymity Disallowed", List.of(), now); // RFC 5079: nothing to trace without a number
            return;
        }
        String fromTag = request.from().tag().orElse("");
        RecentCalls.Call proposed = recentCalls.remember(request.callId(), fromTag, now);
        try {
            rideThrough(giveUpAt, () -> store(request, fromTag, proposed, venueId.get(), caller.get()));
        } catch (RuntimeException e) {
            unavailable(tx, "check-in not stored", e);
            return;
        }
        if (!tx.respond(603, "Decline", List.of(REGISTERED), clock.instant())) {
            log.debug("call check-in stored after the caller cancelled; it stays: the call reached the line");
        }
    }

    /**
     * Runs {@code step}, again after a growing pause (100 ms to 1 s) while it throws and {@code giveUpAt}
     * ({@link System#nanoTime}) has not passed; then throws its last failure.
     */
    private static <T> T rideThrough(long giveUpAt, java.util.function.Supplier<T> step) {
        for (int attempt = 0; ; attempt++) {
            try {
                return step.get();
            } catch (RuntimeException e) {
                if (System.nanoTime() >= giveUpAt
                        || !pause(Duration.ofMillis(Math.min(1000, 100L << Math.min(attempt, 4))))) {
                    throw e;
                }
            }
        }
    }

    /** Sleeps on this request's virtual thread; false if interrupted (the endpoint is closing). */
    private static boolean pause(Duration d) {
        try {
            Thread.sleep(d);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stores the call's check-in durably: the one the nodes agreed on, if several nodes hear calls. */
    private Boolean store(
            SipRequest request, String fromTag, RecentCalls.Call proposed, String venueId, PhoneNumber caller) {
        RecentCalls.Call call = proposed;
        if (sharedCalls.isPresent()) {
            // A copy of this call may have reached another node first: log the check-in that node logged.
            call = recentCalls.adopt(
                    request.callId(), fromTag, sharedCalls.get().agree(request.callId(), fromTag, proposed));
        }
        CheckIn checkIn = new CheckIn(
                call.checkInId(),
                call.scannedAt(),
                venueId,
                Optional.empty(),
                CheckIn.Channel.CALL,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(new CheckIn.Contact(caller, Optional.empty())),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
        checkIns.append(List.of(checkIn));
        log.debug("call check-in {} at venue {} stored", checkIn.id(), venueId);
        return true;
    }

    /** §9.2: 200 for the CANCEL, and 487 for the INVITE if its final response has not gone out. */
    private void cancel(ServerTransaction tx, ServerTransaction invite, Instant now) {
        if (invite == null) {
            tx.respond(481, "Call/Transaction Does Not Exist", List.of(), now);
            return;
        }
        tx.respond(200, "OK", List.of(), now);
        invite.respond(487, "Request Terminated", List.of(), now);
    }

    /** The caller's number: P-Asserted-Identity from a trusted trunk (RFC 3325) if it names one, else From. */
    static Optional<PhoneNumber> caller(SipRequest request) {
        for (String identity : request.all("p-asserted-identity")) {
            Optional<PhoneNumber> number = SipAddress.parse(identity).flatMap(SipAddress::telephoneNumber);
            if (number.isPresent()) {
                return number;
            }
        }
        return request.from().telephoneNumber();
    }

    /** 503 + Retry-After: the caller learns that registration failed; success is never claimed for an unstored record. */
    private void unavailable(ServerTransaction tx, String what, RuntimeException e) {
        Instant now = clock.instant();
        tx.respond(503, "Service Unavailable", List.of(retryAfter()), now);
        Instant last = lastWarning.get();
        if (!now.isBefore(last.plus(WARNING_INTERVAL)) && lastWarning.compareAndSet(last, now)) {
            log.warn(
                    "안심콜: {}, answered 503 ({} more since the last warning): {}",
                    what,
                    unwarned.getAndSet(0),
                    e.getMessage());
        } else {
            unwarned.incrementAndGet();
        }
    }

    private String retryAfter() {
        return "Retry-After: " + settings.retryAfter().toSeconds();
    }

    private void statelessResponse(SipRequest request, SipPeer peer, int status, String reason, List<String> extra) {
        String topVia = request.topVia().forResponse(peer.sourceIp(), peer.sourcePort());
        peer.send(SipResponse.build(request, topVia, status, reason, Optional.of(newTag()), extra));
    }

    private String newTag() {
        byte[] tag = new byte[8];
        random.nextBytes(tag);
        return HexFormat.of().formatHex(tag);
    }

    /**
     * §17.2.3: an RFC 3261 client's transaction is its branch and sent-by (and the method, ACK counting as
     * INVITE). Older clients without the magic cookie are told apart by Call-ID, CSeq number and From tag.
     */
    static String transactionKey(SipRequest request, String method) {
        Via via = request.topVia();
        if (via.rfc3261Branch()) {
            return via.branch().orElseThrow() + '|' + via.sentBy() + '|' + method;
        }
        return "2543|" + request.callId() + '|' + request.cseqNumber() + '|'
                + request.from().tag().orElse("") + '|' + via.sentBy() + '|' + method;
    }
}
