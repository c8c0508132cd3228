package io.checkpass.server.sip;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The calls of the last few minutes, by Call-ID and From tag. A trunk that re-sends a call as a new INVITE (a
 * new branch after a timeout, a proxy failing over) reaches the same entry, so the call gets the same check-in id
 * and scan time and the log's idempotency on (id, scanned_at) stores it once. Entries are kept in arrival order,
 * so expiry only ever looks at the head; at the size bound the oldest call is forgotten.
 */
final class RecentCalls {

    /** The check-in a call logs. */
    record Call(UUID checkInId, Instant scannedAt) {}

    private record Entry(Call call, Instant forgetAt) {}

    private final Map<String, Entry> calls = new LinkedHashMap<>();
    private final Duration memory;
    private final int max;

    RecentCalls(Duration memory, int max) {
        this.memory = memory;
        this.max = max;
    }

    /** The call's check-in, made now on its first INVITE. */
    synchronized Call remember(String callId, String fromTag, Instant now) {
        forgetExpired(now);
        String key = callId + '\n' + fromTag;
        Entry known = calls.get(key);
        if (known != null) {
            return known.call();
        }
        if (calls.size() >= max) {
            Iterator<Entry> oldest = calls.values().iterator();
            oldest.next();
            oldest.remove();
        }
        Call call = new Call(checkInId(now, callId, fromTag), now);
        calls.put(key, new Entry(call, now.plus(memory)));
        return call;
    }

    /**
     * Replaces what this node proposed for a call by what the nodes agreed on ({@link SharedCalls}), so later
     * copies here log the agreed check-in without asking the database again.
     */
    synchronized Call adopt(String callId, String fromTag, Call agreed) {
        String key = callId + '\n' + fromTag;
        Entry known = calls.get(key);
        if (known != null && !known.call().equals(agreed)) {
            calls.put(key, new Entry(agreed, known.forgetAt()));
        }
        return agreed;
    }

    synchronized int size() {
        return calls.size();
    }

    synchronized void forgetExpired(Instant now) {
        Iterator<Entry> it = calls.values().iterator();
        while (it.hasNext() && !now.isBefore(it.next().forgetAt())) {
            it.remove();
        }
    }

    /**
     * A UUIDv7 like every other check-in id (RFC 9562): the scan time in milliseconds, then 74 bits of
     * SHA-256(Call-ID, From tag), so the same call at the same instant always has the same id.
     */
    static UUID checkInId(Instant scannedAt, String callId, String fromTag) {
        byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-256")
                    .digest((callId + '\n' + fromTag).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
        ByteBuffer bits = ByteBuffer.wrap(hash);
        long high = bits.getLong();
        long low = bits.getLong();
        long msb = (scannedAt.toEpochMilli() << 16) | 0x7000L | (high & 0x0FFFL);
        long lsb = (low & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }
}
