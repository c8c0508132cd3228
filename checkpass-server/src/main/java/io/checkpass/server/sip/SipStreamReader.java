package io.checkpass.server.sip;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Frames SIP messages on a stream (TCP) by Content-Length (RFC 3261 §18.3), bounded like a datagram: a message
 * larger than {@link SipParser#MAX_MESSAGE}, or a header section without a usable Content-Length, ends the
 * connection, since the stream can no longer be framed.
 */
final class SipStreamReader {
    private final InputStream in;

    SipStreamReader(InputStream in) {
        this.in = in;
    }

    /** The next message, or null at the end of the stream. CRLF keep-alives between messages are skipped. */
    byte[] next() throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream(1024);
        int b;
        do {
            b = in.read();
        } while (b == '\r' || b == '\n');
        if (b < 0) {
            return null;
        }
        message.write(b);
        int tail = b; // the last four bytes, to spot CRLFCRLF
        while (true) {
            b = in.read();
            if (b < 0) {
                throw new IOException("the stream ended inside a message");
            }
            message.write(b);
            tail = (tail << 8) | b;
            if (tail == 0x0D0A0D0A) {
                break;
            }
            if (message.size() > SipParser.MAX_MESSAGE) {
                throw new IOException("a header section longer than " + SipParser.MAX_MESSAGE + " bytes");
            }
        }
        int length = contentLength(message.toString(StandardCharsets.UTF_8));
        if (length < 0 || message.size() + length > SipParser.MAX_MESSAGE) {
            throw new IOException("a message on a stream needs a Content-Length, and at most " + SipParser.MAX_MESSAGE
                    + " bytes in all");
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new IOException("the stream ended inside a message body");
        }
        message.write(body);
        return message.toByteArray();
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if (name.equals("content-length") || name.equals("l")) {
                String value = line.substring(colon + 1).trim();
                return value.matches("[0-9]{1,9}") ? Integer.parseInt(value) : -1;
            }
        }
        return -1;
    }
}
