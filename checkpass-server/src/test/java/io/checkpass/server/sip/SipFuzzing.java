package io.checkpass.server.sip;

import java.io.ByteArrayInputStream;
import java.io.IOException;

/** The SIP parsers' entry points for the fuzz targets, which live in another package. */
public final class SipFuzzing {
    private SipFuzzing() {}

    /** A datagram as the UDP side reads it: always a parse result (request, invalid, dropped), never a throw. */
    public static void parseDatagram(byte[] data) {
        if (SipParser.parse(data, data.length) == null) {
            throw new AssertionError("the parser answered null");
        }
    }

    /** A TCP stream framed into messages, each parsed; a stream that cannot be framed is an IOException. */
    public static void readStream(byte[] data) {
        SipStreamReader reader = new SipStreamReader(new ByteArrayInputStream(data));
        try {
            byte[] message;
            while ((message = reader.next()) != null) {
                parseDatagram(message);
            }
        } catch (IOException cannotFrame) {
            // the connection is closed
        }
    }
}
