package io.checkpass.server.sip;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A server transaction, INVITE (RFC 3261 §17.2.1, figure 7) or non-INVITE (§17.2.2, figure 8). Requests
 * retransmitted by the client are answered from here with the last response; the request is handed to the line
 * once. Timers are deadlines checked by {@link #tick}, so tests move a clock instead of sleeping.
 */
final class ServerTransaction {
    enum State {
        PROCEEDING,
        COMPLETED,
        CONFIRMED,
        TERMINATED
    }

    final SipRequest request;
    final String toTag;
    private final boolean invite;
    private final SipPeer peer;
    private final String topVia;
    private final SipSettings settings;

    private State state = State.PROCEEDING;
    private byte[] lastResponse;
    private int finalStatus;
    private Instant nextRetransmit;
    private Duration retransmitInterval;
    private Instant endsAt;

    ServerTransaction(SipRequest request, SipPeer peer, String toTag, SipSettings settings) {
        this.request = request.retained();
        this.peer = peer;
        this.toTag = toTag;
        this.settings = settings;
        this.invite = request.method().equals("INVITE");
        this.topVia = request.topVia().forResponse(peer.sourceIp(), peer.sourcePort());
    }

    /**
     * Sends a response if the transaction still awaits its final one; returns false (and sends nothing) once a
     * final response went out, e.g. 487 after a CANCEL won the race against the database.
     */
    synchronized boolean respond(int status, String reason, List<String> extraHeaders, Instant now) {
        if (state != State.PROCEEDING) {
            return false;
        }
        lastResponse = SipResponse.build(
                request, topVia, status, reason, status == 100 ? Optional.empty() : Optional.of(toTag), extraHeaders);
        peer.send(lastResponse);
        if (status >= 200) {
            finalStatus = status;
            state = State.COMPLETED;
            if (invite) {
                if (!peer.reliable()) {
                    retransmitInterval = settings.t1();
                    nextRetransmit = now.plus(retransmitInterval); // Timer G
                }
                endsAt = now.plus(settings.sixtyFourT1()); // Timer H
            } else {
                endsAt = peer.reliable() ? now : now.plus(settings.sixtyFourT1()); // Timer J
            }
        }
        return true;
    }

    /** The client sent the request again: repeat the last response (§17.2.1, §17.2.2); absorbed once confirmed. */
    synchronized void retransmitted() {
        if (lastResponse != null && (state == State.PROCEEDING || state == State.COMPLETED)) {
            peer.send(lastResponse);
        }
    }

    /** An ACK for our non-2xx final response: stop retransmitting, absorb further ACKs for Timer I (T4, zero on TCP). */
    synchronized void acknowledged(Instant now) {
        if (invite && state == State.COMPLETED) {
            state = State.CONFIRMED;
            nextRetransmit = null;
            endsAt = peer.reliable() ? now : now.plus(settings.t4());
        }
    }

    /** Fires due timers; returns true once the transaction is over and can be forgotten. */
    synchronized boolean tick(Instant now) {
        if (state == State.TERMINATED) {
            return true;
        }
        if (endsAt != null && !now.isBefore(endsAt)) {
            state = State.TERMINATED; // Timer H (no ACK came), I or J
            return true;
        }
        if (state == State.COMPLETED && nextRetransmit != null && !now.isBefore(nextRetransmit)) {
            peer.send(lastResponse);
            retransmitInterval = min(retransmitInterval.multipliedBy(2), settings.t2());
            nextRetransmit = nextRetransmit.plus(retransmitInterval);
            if (nextRetransmit.isBefore(now)) {
                nextRetransmit = now.plus(retransmitInterval); // the ticker fell behind: do not burst
            }
        }
        return false;
    }

    synchronized State state() {
        return state;
    }

    synchronized boolean awaitingFinal() {
        return state == State.PROCEEDING;
    }

    synchronized int finalStatus() {
        return finalStatus;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
