package io.checkpass.server.sip;

import io.checkpass.server.visits.CheckIn;
import io.checkpass.server.visits.CheckInLog;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Requests, a peer that records what is sent to it, and a check-in log in memory, for the line's unit tests. */
final class SipFixtures {
    static final String VENUE_NUMBER = "0800000001";
    static final String CALLER = "01012345678";

    private SipFixtures() {}

    /** A request as SIPp or a trunk would send it; {@code extra} header lines go before Content-Length. */
    static String request(
            String method,
            String uri,
            String branch,
            String callId,
            String fromUser,
            String fromTag,
            int cseq,
            String... extra) {
        StringBuilder out = new StringBuilder();
        out.append(method)
                .append(' ')
                .append(uri)
                .append(" SIP/2.0\r\n")
                .append("Via: SIP/2.0/UDP 10.0.0.7:5062;branch=")
                .append(branch)
                .append("\r\n")
                .append("Max-Forwards: 70\r\n")
                .append("From: <sip:")
                .append(fromUser)
                .append("@10.0.0.7>;tag=")
                .append(fromTag)
                .append("\r\n")
                .append("To: <")
                .append(uri)
                .append(">\r\n")
                .append("Call-ID: ")
                .append(callId)
                .append("\r\n")
                .append("CSeq: ")
                .append(cseq)
                .append(' ')
                .append(method)
                .append("\r\n");
        for (String line : extra) {
            out.append(line).append("\r\n");
        }
        return out.append("Content-Length: 0\r\n\r\n").toString();
    }

    static String invite(String branch, String callId) {
        return request("INVITE", "sip:" + VENUE_NUMBER + "@trunk.example", branch, callId, CALLER, "from-" + callId, 1);
    }

    static String ack(String branch, String callId) {
        return request("ACK", "sip:" + VENUE_NUMBER + "@trunk.example", branch, callId, CALLER, "from-" + callId, 1);
    }

    static SipParser.Parsed parse(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        return SipParser.parse(bytes, bytes.length);
    }

    /** A response as received: status and headers. */
    record Sent(String text) {
        int status() {
            return Integer.parseInt(text.substring(8, 11));
        }

        Optional<String> header(String name) {
            return headers(name).stream().findFirst();
        }

        List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            Matcher m = Pattern.compile("(?mi)^" + Pattern.quote(name) + ": ([^\r\n]*)")
                    .matcher(text);
            while (m.find()) {
                values.add(m.group(1));
            }
            return values;
        }

        String cseqMethod() {
            return header("CSeq").orElseThrow().split(" ")[1];
        }
    }

    /** Records everything sent to it. */
    static final class RecordingPeer implements SipPeer {
        final List<Sent> sent = new CopyOnWriteArrayList<>();
        private final boolean reliable;

        RecordingPeer(boolean reliable) {
            this.reliable = reliable;
        }

        @Override
        public void send(byte[] message) {
            sent.add(new Sent(new String(message, StandardCharsets.UTF_8)));
        }

        @Override
        public boolean reliable() {
            return reliable;
        }

        @Override
        public InetSocketAddress source() {
            return new InetSocketAddress("10.0.0.7", 5062);
        }

        List<Integer> statuses() {
            return sent.stream().map(Sent::status).toList();
        }

        Sent last() {
            return sent.getLast();
        }
    }

    /** Holds every append until released, recording batch sizes; then appends to a {@link MemoryLog}. */
    static final class PausedLog implements CheckInLog {
        final MemoryLog memory = new MemoryLog();
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        final CountDownLatch writing = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);

        @Override
        public List<Boolean> appendEach(List<CheckIn> batch) {
            batchSizes.add(batch.size());
            writing.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return memory.appendEach(batch);
        }

        boolean awaitWriting() throws InterruptedException {
            return writing.await(5, TimeUnit.SECONDS);
        }

        void release() {
            release.countDown();
        }
    }

    /** Keeps appended check-ins; can be told to fail like a database that is down. */
    static final class MemoryLog implements CheckInLog {
        final List<CheckIn> appended = new CopyOnWriteArrayList<>();
        final AtomicInteger appends = new AtomicInteger();
        volatile boolean down;

        @Override
        public List<Boolean> appendEach(List<CheckIn> batch) {
            appends.incrementAndGet();
            if (down) {
                throw new IllegalStateException("cannot store 1 check-ins: Connection refused");
            }
            List<Boolean> inserted = new ArrayList<>(batch.size());
            for (CheckIn c : batch) {
                boolean known = appended.stream()
                        .anyMatch(a -> a.id().equals(c.id()) && a.scannedAt().equals(c.scannedAt()));
                if (!known) {
                    appended.add(c);
                }
                inserted.add(!known);
            }
            return inserted;
        }
    }
}
