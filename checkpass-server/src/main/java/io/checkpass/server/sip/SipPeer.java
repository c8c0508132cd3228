package io.checkpass.server.sip;

import java.net.InetSocketAddress;

/** Where the responses to one request go, over the transport it came in on. */
interface SipPeer {

    /** Sends one message; a failure is logged by the transport, never thrown, since SIP recovers by retransmission. */
    void send(byte[] message);

    /** TCP: no retransmissions of responses, and Timers I and J are zero (RFC 3261 §17.2). */
    boolean reliable();

    /** Where the request came from. */
    InetSocketAddress source();

    default String sourceIp() {
        return source().getAddress().getHostAddress();
    }

    default int sourcePort() {
        return source().getPort();
    }
}
