package io.checkpass.server.sip;

import java.time.Duration;

/**
 * Timers and bounds of the endpoint.
 *
 * @param t1               RFC 3261 round-trip estimate (500 ms): Timer G starts at T1, Timer H and J are 64·T1
 * @param t2               the cap of Timer G's doubling (4 s)
 * @param t4               how long the network keeps a message (5 s): Timer I, how long ACK retransmissions are absorbed
 * @param maxTransactions  transactions held at once; past it new requests get 503 and no state
 * @param callMemory       how long a call (Call-ID + From tag) is remembered, so a re-sent INVITE is logged once
 * @param maxCalls         calls remembered at once; the oldest is forgotten first
 * @param retryAfter       the Retry-After of a 503
 * @param tick             how often timers are checked
 * @param maxInFlight      requests being handled at once (each on a virtual thread); past it, 503 at once
 * @param perSourcePerSecond requests one source address may send in a second; the excess is dropped unanswered, so a
 *                         trunk gone wrong cannot take every slot (the trunk carries every caller: keep it high)
 * @param rideThrough      how long a call keeps trying to store its check-in before the line answers 503: the caller
 *                         hears ringing a little longer while PostgreSQL fails over (about 10 s with Patroni's ttl
 *                         10), instead of a refusal a caller cannot retry later (docs/adr/0022); well under Timer B
 *                         (64·T1 = 32 s), after which the trunk gives up on its own
 */
public record SipSettings(
        Duration t1,
        Duration t2,
        Duration t4,
        int maxTransactions,
        Duration callMemory,
        int maxCalls,
        Duration retryAfter,
        Duration tick,
        int maxInFlight,
        int perSourcePerSecond,
        Duration rideThrough) {

    /** RFC 3261 defaults; room for 100 calls/s left unacknowledged for Timer H (64·T1 = 32 s) three times over. */
    public static final SipSettings DEFAULTS = new SipSettings(
            Duration.ofMillis(500),
            Duration.ofSeconds(4),
            Duration.ofSeconds(5),
            10_000,
            Duration.ofMinutes(5),
            100_000,
            Duration.ofSeconds(10),
            Duration.ofMillis(20),
            1_000,
            5_000,
            Duration.ofSeconds(20));

    public SipSettings {
        if (t1.isNegative()
                || t1.isZero()
                || t2.compareTo(t1) < 0
                || t4.isNegative()
                || tick.isNegative()
                || tick.isZero()) {
            throw new IllegalArgumentException(
                    "SIP timers must be positive with T2 >= T1, got T1=" + t1 + " T2=" + t2 + " T4=" + t4);
        }
        if (rideThrough.isNegative() || rideThrough.compareTo(t1.multipliedBy(64)) >= 0) {
            throw new IllegalArgumentException(
                    "SIP ride-through must be 0 or more and under 64·T1, got " + rideThrough);
        }
        if (maxTransactions < 1 || maxCalls < 1 || maxInFlight < 1 || perSourcePerSecond < 1) {
            throw new IllegalArgumentException("SIP bounds must be at least 1");
        }
    }

    /** The same settings with another ride-through (0: answer 503 as soon as a store fails). */
    public SipSettings withRideThrough(Duration rideThrough) {
        return new SipSettings(
                t1,
                t2,
                t4,
                maxTransactions,
                callMemory,
                maxCalls,
                retryAfter,
                tick,
                maxInFlight,
                perSourcePerSecond,
                rideThrough);
    }

    /** Timer H (INVITE, no ACK) and Timer J (non-INVITE over UDP). */
    Duration sixtyFourT1() {
        return t1.multipliedBy(64);
    }
}
