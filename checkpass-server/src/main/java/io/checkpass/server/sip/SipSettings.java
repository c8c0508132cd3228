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
        int perSourcePerSecond) {

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
            5_000);

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
        if (maxTransactions < 1 || maxCalls < 1 || maxInFlight < 1 || perSourcePerSecond < 1) {
            throw new IllegalArgumentException("SIP bounds must be at least 1");
        }
    }

    /** Timer H (INVITE, no ACK) and Timer J (non-INVITE over UDP). */
    Duration sixtyFourT1() {
        return t1.multipliedBy(64);
    }
}
