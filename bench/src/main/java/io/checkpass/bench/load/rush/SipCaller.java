package io.checkpass.bench.load.rush;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Visitors calling a venue's 안심콜 number: a minimal SIP UAC over UDP. It sends the INVITE, retransmits it on
 * Timer A (500 ms, doubling) while no final response comes, ACKs the final response, and reports whether the
 * line confirmed the registration (603, the line's "logged, goodbye"). One socket and one receiver thread serve
 * every call.
 */
final class SipCaller implements AutoCloseable {
    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private final Map<String, CompletableFuture<String>> finals = new ConcurrentHashMap<>();
    private final Thread receiver;

    SipCaller(int serverPort) throws SocketException {
        this.socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        this.server = new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort);
        this.receiver = Thread.ofPlatform().daemon().name("sip-caller").start(this::receive);
    }

    /** Calls {@code venueNumber} from {@code callerNumber}; true when the line answered 603 (logged). */
    boolean call(String venueNumber, String callerNumber) {
        return call(venueNumber, callerNumber, UUID.randomUUID() + "@rush");
    }

    /**
     * Calls with this Call-ID: a trunk that re-sends a call to another node keeps its Call-ID and From tag, so the
     * nodes log it once.
     */
    boolean call(String venueNumber, String callerNumber, String callId) {
        String branch = "z9hG4bK-" + UUID.randomUUID();
        String tag = Integer.toHexString(callId.hashCode());
        int localPort = socket.getLocalPort();
        String invite = "INVITE sip:" + venueNumber + "@127.0.0.1:" + server.getPort() + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + localPort + ";branch=" + branch + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:" + callerNumber + "@127.0.0.1>;tag=" + tag + "\r\n"
                + "To: <sip:" + venueNumber + "@127.0.0.1>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Contact: <sip:" + callerNumber + "@127.0.0.1:" + localPort + ">\r\n"
                + "Content-Length: 0\r\n\r\n";
        CompletableFuture<String> done = new CompletableFuture<>();
        finals.put(callId, done);
        try {
            long wait = 500;
            // Timer A doubling to T2 until Timer B (64·T1 = 32 s), as RFC 3261 §17.1.1.2 has a trunk do.
            long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(32);
            while (System.nanoTime() < giveUpAt) {
                send(invite);
                try {
                    String response = done.get(wait, TimeUnit.MILLISECONDS);
                    send(ack(response, venueNumber, branch, localPort, callId));
                    return response.startsWith("SIP/2.0 603");
                } catch (TimeoutException e) {
                    wait = Math.min(4000, wait * 2);
                }
            }
            return false;
        } catch (IOException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            finals.remove(callId);
        }
    }

    private static String ack(String response, String venueNumber, String branch, int localPort, String callId) {
        String to = header(response, "To");
        String from = header(response, "From");
        return "ACK sip:" + venueNumber + "@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + localPort + ";branch=" + branch + "\r\n"
                + "Max-Forwards: 70\r\nFrom: " + from + "\r\nTo: " + to + "\r\nCall-ID: " + callId
                + "\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n";
    }

    private static String header(String message, String name) {
        for (String line : message.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "";
    }

    private void send(String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, server));
    }

    private void receive() {
        byte[] buffer = new byte[65_535];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                String message = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
                if (!message.startsWith("SIP/2.0 ") || message.startsWith("SIP/2.0 1")) {
                    continue; // provisional responses and stray requests
                }
                CompletableFuture<String> waiting = finals.get(header(message, "Call-ID"));
                if (waiting != null) {
                    waiting.complete(message);
                }
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        socket.close();
        receiver.interrupt();
    }
}
