package io.checkpass.server.sip;

import io.checkpass.server.visits.CheckInLog;
import io.checkpass.server.visits.Venues;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 안심콜 SIP endpoint: UDP and TCP on one port, in front of a {@link CallInLine}. Each datagram or framed
 * TCP message is handled on its own virtual thread, at most {@link SipSettings#maxInFlight()} at once; past that
 * a request gets 503 from the receiving thread. Timers run on one more virtual thread every
 * {@link SipSettings#tick()}, reading the injected {@link Clock}. Check-ins go to the log through a
 * {@link GroupCommitLog}, so the endpoint holds one database connection. docs/sip.md describes the behaviour.
 */
public final class SipEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SipEndpoint.class);
    private static final int MAX_TCP_CONNECTIONS = 256;
    /** Connections one peer may hold: a trunk needs a handful; the rest stay for the other trunks. */
    static final int MAX_TCP_CONNECTIONS_PER_PEER = 32;

    private static final int TCP_IDLE_MILLIS = 300_000;

    private final String host;
    private final int requestedPort;
    private final SipSettings settings;
    private final CallInLine line;
    private final GroupCommitLog groupCommit;
    private final Semaphore inFlight;
    private final TrustedPeers trusted;
    private final AtomicLong untrusted = new AtomicLong();
    private final AtomicLong overRate = new AtomicLong();
    /** Per source address: the second (monotonic) it last sent in, and how many requests in that second. */
    private final ConcurrentHashMap<InetAddress, long[]> perSecond = new ConcurrentHashMap<>();

    private final ExecutorService handlers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("sip-request-", 0).factory());
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<InetAddress, Integer> connectionsPerPeer = new ConcurrentHashMap<>();
    private final List<Thread> loops = new ArrayList<>();
    private DatagramSocket udp;
    private ServerSocket tcp;
    private volatile boolean running;

    /**
     * @param host              the address to bind, e.g. 0.0.0.0 or the trunk-facing interface
     * @param port              UDP and TCP port; 0 picks a free one ({@link #port()} tells which)
     * @param venueByCallNumber digits of a 안심콜 number → the venue id, e.g. from {@link Venues#byCallNumber}
     * @param checkIns          where CALL check-ins go; the final response is sent only after it returns
     * @param clock             scan times and the transaction timers
     */
    public SipEndpoint(
            String host,
            int port,
            Function<String, Optional<String>> venueByCallNumber,
            CheckInLog checkIns,
            Clock clock) {
        this(host, port, venueByCallNumber, checkIns, clock, SipSettings.DEFAULTS, TrustedPeers.LOOPBACK);
    }

    /** Looks venue numbers up in {@link Venues}; hears requests from {@code trusted} addresses only. */
    public SipEndpoint(String host, int port, Venues venues, CheckInLog checkIns, Clock clock, TrustedPeers trusted) {
        this(
                host,
                port,
                digits -> venues.byCallNumber(digits).map(Venues.Venue::venueId),
                checkIns,
                clock,
                SipSettings.DEFAULTS,
                trusted);
    }

    public SipEndpoint(
            String host,
            int port,
            Function<String, Optional<String>> venueByCallNumber,
            CheckInLog checkIns,
            Clock clock,
            SipSettings settings,
            TrustedPeers trusted) {
        this(host, port, venueByCallNumber, checkIns, clock, settings, trusted, Optional.empty());
    }

    /**
     * @param sharedCalls with several centre nodes on one database: where the nodes agree which check-in a call
     *                    logs, so a re-sent INVITE that reaches another node is logged once (docs/sip.md)
     */
    public SipEndpoint(
            String host,
            int port,
            Function<String, Optional<String>> venueByCallNumber,
            CheckInLog checkIns,
            Clock clock,
            SipSettings settings,
            TrustedPeers trusted,
            Optional<SharedCalls> sharedCalls) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("sip.port must be 0..65535, got " + port);
        }
        this.host = host;
        this.requestedPort = port;
        this.settings = settings;
        this.groupCommit = new GroupCommitLog(checkIns, settings.maxInFlight(), 500);
        this.line = new CallInLine(venueByCallNumber, groupCommit, clock, settings, sharedCalls);
        this.inFlight = new Semaphore(settings.maxInFlight());
        this.trusted = trusted;
    }

    /**
     * Binds UDP and TCP and starts receiving.
     *
     * @throws UncheckedIOException if the port is taken
     */
    public synchronized SipEndpoint start() {
        if (running) {
            return this;
        }
        bind();
        running = true;
        loops.add(Thread.ofVirtual().name("sip-udp").start(this::receiveDatagrams));
        loops.add(Thread.ofVirtual().name("sip-tcp").start(this::acceptConnections));
        loops.add(Thread.ofVirtual().name("sip-timers").start(this::runTimers));
        log.info("안심콜 SIP endpoint listening on {}:{} (UDP and TCP)", host, port());
        return this;
    }

    /** The bound port (UDP and TCP). */
    public int port() {
        if (udp == null) {
            throw new IllegalStateException("the SIP endpoint is not started");
        }
        return udp.getLocalPort();
    }

    /** Stops receiving; requests in hand finish (up to 5 s). */
    @Override
    public synchronized void close() {
        if (!running) {
            groupCommit.close();
            return;
        }
        running = false;
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            log.debug("closing the SIP TCP listener: {}", e.getMessage());
        }
        for (Socket c : connections) {
            closeQuietly(c);
        }
        loops.forEach(Thread::interrupt);
        handlers.shutdown();
        try {
            if (!handlers.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("SIP requests still in hand after 5 s at shutdown");
            }
            for (Thread t : loops) {
                t.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        groupCommit.close();
    }

    /** With port 0, UDP picks the port and TCP must get the same one; another process may hold it on TCP, so retry. */
    private void bind() {
        for (int attempt = 1; ; attempt++) {
            try {
                udp = new DatagramSocket(new InetSocketAddress(host, requestedPort));
                udp.setReceiveBufferSize(1 << 20);
            } catch (SocketException e) {
                throw new UncheckedIOException(
                        "cannot bind SIP UDP " + host + ":" + requestedPort + ": " + e.getMessage(), e);
            }
            try {
                tcp = new ServerSocket();
                tcp.setReuseAddress(true);
                tcp.bind(new InetSocketAddress(host, udp.getLocalPort()), 128);
                return;
            } catch (IOException e) {
                udp.close();
                closeQuietly(tcp);
                if (requestedPort != 0 || attempt == 10 || !(e instanceof BindException)) {
                    throw new UncheckedIOException(
                            "cannot bind SIP TCP " + host + ":" + udp.getLocalPort() + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private void receiveDatagrams() {
        byte[] buffer = new byte[SipParser.MAX_MESSAGE];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        while (running) {
            try {
                packet.setLength(buffer.length);
                udp.receive(packet);
            } catch (IOException e) {
                if (running) {
                    log.warn("SIP UDP receive failed: {}", e.getMessage());
                }
                continue;
            }
            InetSocketAddress source = (InetSocketAddress) packet.getSocketAddress();
            if (!heard(source)) {
                continue;
            }
            byte[] data = Arrays.copyOf(packet.getData(), packet.getLength());
            // Answers go back where the request came from, as RFC 3581's rport asks, whether or not the client asked:
            // the port in the top Via is the sender's to write, and would let a request aim our answers (and their
            // retransmissions) at any port. Trunks' border controllers signal symmetrically, so nothing is lost.
            handle(data, parsed -> new UdpPeer(udp, source, source));
        }
    }

    private void acceptConnections() {
        while (running) {
            Socket socket;
            try {
                socket = tcp.accept();
            } catch (IOException e) {
                if (running) {
                    log.warn("SIP TCP accept failed: {}", e.getMessage());
                }
                continue;
            }
            if (!heard((InetSocketAddress) socket.getRemoteSocketAddress())) {
                closeQuietly(socket);
                continue;
            }
            InetAddress peer = socket.getInetAddress();
            int[] held = {0};
            connectionsPerPeer.merge(peer, 1, (a, b) -> (held[0] = a) >= MAX_TCP_CONNECTIONS_PER_PEER ? a : a + b);
            if (held[0] >= MAX_TCP_CONNECTIONS_PER_PEER) {
                log.warn(
                        "SIP TCP connection from {} refused: it holds {} already",
                        socket.getRemoteSocketAddress(),
                        MAX_TCP_CONNECTIONS_PER_PEER);
                closeQuietly(socket);
                continue;
            }
            if (connections.size() >= MAX_TCP_CONNECTIONS) {
                release(peer);
                log.warn(
                        "SIP TCP connection from {} refused: {} open",
                        socket.getRemoteSocketAddress(),
                        MAX_TCP_CONNECTIONS);
                closeQuietly(socket);
                continue;
            }
            connections.add(socket);
            Thread.ofVirtual().name("sip-tcp-connection").start(() -> readConnection(socket));
        }
    }

    /**
     * Whether a request from {@code source} is heard at all. One from outside the trusted peers is dropped
     * unanswered: an answer would go to whatever address the sender forged. The first and every 1,000th are logged.
     */
    private boolean heard(InetSocketAddress source) {
        if (trusted.contains(source.getAddress())) {
            return withinRate(source.getAddress());
        }
        long n = untrusted.incrementAndGet();
        if (n == 1 || n % 1000 == 0) {
            log.warn("SIP from {} dropped: not a trusted peer (sip.trusted-peers); {} dropped so far", source, n);
        }
        return false;
    }

    /**
     * Whether {@code peer} is within {@link SipSettings#perSourcePerSecond} this second (elapsed time on the
     * monotonic clock: a pace, not a time of day). The excess is dropped; a UDP client retransmits.
     */
    private boolean withinRate(InetAddress peer) {
        long second = System.nanoTime() / 1_000_000_000L;
        long[] window = perSecond.compute(peer, (address, w) -> {
            if (w == null || w[0] != second) {
                return new long[] {second, 1};
            }
            w[1]++;
            return w;
        });
        if (window[1] <= settings.perSourcePerSecond()) {
            return true;
        }
        long n = overRate.incrementAndGet();
        if (n == 1 || n % 1000 == 0) {
            log.warn(
                    "SIP from {} dropped: over {} requests/s; {} dropped so far",
                    peer,
                    settings.perSourcePerSecond(),
                    n);
        }
        return false;
    }

    /** Requests dropped because they came from outside the trusted peers. */
    long untrustedDropped() {
        return untrusted.get();
    }

    private void readConnection(Socket socket) {
        try (socket) {
            socket.setSoTimeout(TCP_IDLE_MILLIS);
            TcpPeer peer =
                    new TcpPeer(socket, socket.getOutputStream(), (InetSocketAddress) socket.getRemoteSocketAddress());
            SipStreamReader reader = new SipStreamReader(socket.getInputStream());
            byte[] message;
            while (running && (message = reader.next()) != null) {
                handle(message, parsed -> peer);
            }
        } catch (IOException e) {
            log.debug("SIP TCP connection {} closed: {}", socket.getRemoteSocketAddress(), e.getMessage());
        } finally {
            connections.remove(socket);
            release(socket.getInetAddress());
        }
    }

    private void release(InetAddress peer) {
        connectionsPerPeer.computeIfPresent(peer, (address, held) -> held <= 1 ? null : held - 1);
    }

    private void handle(byte[] data, Function<SipParser.Parsed, SipPeer> peerFor) {
        if (!inFlight.tryAcquire()) {
            SipParser.Parsed parsed = SipParser.parse(data, data.length);
            line.overloaded(parsed, peerFor.apply(parsed));
            return;
        }
        try {
            handlers.execute(() -> {
                try {
                    SipParser.Parsed parsed = SipParser.parse(data, data.length);
                    line.receive(parsed, peerFor.apply(parsed));
                } finally {
                    inFlight.release();
                }
            });
        } catch (RuntimeException e) {
            inFlight.release(); // shutting down
        }
    }

    private void runTimers() {
        while (running) {
            try {
                Thread.sleep(settings.tick());
                line.tick();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("SIP timers failed", e);
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.debug("close: {}", e.getMessage());
        }
    }

    private record UdpPeer(DatagramSocket socket, InetSocketAddress destination, InetSocketAddress source)
            implements SipPeer {
        @Override
        public void send(byte[] message) {
            try {
                socket.send(new DatagramPacket(message, message.length, destination));
            } catch (IOException e) {
                log.debug("SIP UDP send to {} failed: {}", destination, e.getMessage());
            }
        }

        @Override
        public boolean reliable() {
            return false;
        }
    }

    private record TcpPeer(Socket socket, OutputStream out, InetSocketAddress source) implements SipPeer {
        @Override
        public void send(byte[] message) {
            synchronized (out) {
                try {
                    out.write(message);
                    out.flush();
                } catch (IOException e) {
                    log.debug("SIP TCP send to {} failed: {}", source, e.getMessage());
                }
            }
        }

        @Override
        public boolean reliable() {
            return true;
        }
    }
}
