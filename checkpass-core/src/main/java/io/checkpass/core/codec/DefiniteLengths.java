package io.checkpass.core.codec;

/**
 * Refuses CBOR with indefinite-length items (RFC 8949 §3.2.2). Jackson reads them happily; the native pass format
 * does not allow them (docs/pass-format.md §5 step 2), so that the bytes of a pass have one shape and every
 * verifier, the scanner page's included, reads the same bytes the same way.
 *
 * <p>A single pass over the heads, without recursion: each head says how many items follow it, so a counter of
 * items still owed is enough. Byte and text strings are skipped, not descended into (their contents are checked
 * where they are decoded as CBOR in turn).
 */
public final class DefiniteLengths {
    private DefiniteLengths() {}

    /**
     * @throws CborException if an item has indefinite length, a reserved head, or a length beyond the input
     */
    public static void check(byte[] data) {
        int at = 0;
        long owed = 1;
        while (owed > 0 && at < data.length) {
            int head = data[at++] & 0xff;
            int major = head >>> 5;
            int info = head & 31;
            owed--;
            if (info == 31) {
                throw new CborException("indefinite-length CBOR items are not accepted");
            }
            if (info >= 28) {
                throw new CborException("reserved CBOR head 0x" + Integer.toHexString(head));
            }
            long argument = info;
            if (info >= 24 && major != 7) {
                int size = 1 << (info - 24);
                if (at + size > data.length) {
                    return; // truncated: the decoder reports it
                }
                argument = 0;
                for (int i = 0; i < size; i++) {
                    argument = (argument << 8) | (data[at++] & 0xff);
                }
            } else if (info >= 24) {
                at += 1 << (info - 24); // simple value or float of 1, 2, 4 or 8 bytes
            }
            switch (major) {
                case 2, 3 -> {
                    if (argument < 0 || argument > data.length - at) {
                        return; // runs past the end: the decoder reports it
                    }
                    at += (int) argument;
                }
                case 4 -> owed += lengthWithin(argument, data.length - at);
                case 5 -> owed += 2 * lengthWithin(argument, data.length - at);
                case 6 -> owed += 1;
                default -> {}
            }
        }
    }

    /** A container cannot hold more items than bytes remain; beyond that the input is truncated anyway. */
    private static long lengthWithin(long count, int remaining) {
        return count < 0 || count > remaining ? remaining + 1L : count;
    }
}
