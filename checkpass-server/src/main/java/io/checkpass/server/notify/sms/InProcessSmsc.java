package io.checkpass.server.notify.sms;

import java.io.IOException;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jsmpp.bean.BroadcastSm;
import org.jsmpp.bean.CancelBroadcastSm;
import org.jsmpp.bean.CancelSm;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GSMSpecificFeature;
import org.jsmpp.bean.MessageMode;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.QueryBroadcastSm;
import org.jsmpp.bean.QuerySm;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.ReplaceSm;
import org.jsmpp.bean.SubmitMulti;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.BroadcastSmResult;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.QueryBroadcastSmResult;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.SMPPServerSessionListener;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.ServerResponseDeliveryListener;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitMultiResult;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.util.DeliveryReceiptState;
import org.jsmpp.util.MessageId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real SMPP 3.4 server in the JVM (jsmpp's server side), playing the carrier's SMSC for the tests, the demo
 * ({@code sms.in-process}) and the bench. It accepts {@code bind_transceiver} with {@link #SYSTEM_ID} and
 * {@link #PASSWORD}, answers each {@code submit_sm} with an id, reassembles concatenated parts and LMS payloads into
 * {@link Received} messages, and sends a {@code deliver_sm} receipt for each submit (undeliverable for the numbers in
 * {@link #failDeliveryTo}). Receipts it could not hand over (the client went away) wait for the next bind, as a
 * carrier's do. It can be slowed ({@link #slow}), stopped and started again on the same port: the test of an outage
 * stops it for real.
 */
public final class InProcessSmsc implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InProcessSmsc.class);
    public static final String SYSTEM_ID = "checkpass";
    public static final String PASSWORD = "test";
    private static final int RECEIPT_SENDERS = 64;

    /** A whole message as the phone would show it. */
    public record Received(String messageId, String to, String from, String text, int parts, boolean lms) {}

    private record PendingReceipt(String messageId, String to, String from, boolean delivered) {}

    private final AtomicLong ids = new AtomicLong(1_000_000);
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> seen = new ConcurrentHashMap<>();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong submits = new AtomicLong();
    private final AtomicLong receiptsSent = new AtomicLong();
    private final Map<String, TreeMap<Integer, String>> partsInFlight = new ConcurrentHashMap<>();
    private final Set<String> failDeliveryTo = ConcurrentHashMap.newKeySet();
    private final LinkedBlockingQueue<PendingReceipt> receipts = new LinkedBlockingQueue<>();
    private final List<SMPPServerSession> sessions = new CopyOnWriteArrayList<>();
    private volatile Duration delay = Duration.ZERO;
    private volatile boolean keepMessages = true;
    private int port;
    private SMPPServerSessionListener listener;
    private Thread acceptor;
    private ExecutorService receiptSender;

    private InProcessSmsc() {}

    /** Starts an SMSC on loopback, on {@code port} (0: any free port). */
    public static InProcessSmsc start(int port) throws IOException {
        InProcessSmsc smsc = new InProcessSmsc();
        smsc.port = port;
        smsc.listen();
        return smsc;
    }

    public int port() {
        return port;
    }

    private synchronized void listen() throws IOException {
        if (port == 0) {
            // jsmpp's listener reports the port it was given, not the one bound: pick a free one first.
            try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
                port = probe.getLocalPort();
            }
        }
        SMPPServerSessionListener l = new SMPPServerSessionListener(port, NoDelaySockets.server());
        l.setQueueCapacity(1000);
        l.setPduProcessorDegree(8);
        l.setMessageReceiverListener(new Submits());
        l.setResponseDeliveryListener(new AfterResponse());
        listener = l;
        // Several senders: deliver_sm waits for the client's response, and the client answers once the receipt is
        // durable in its outbox.
        receiptSender = Executors.newFixedThreadPool(
                RECEIPT_SENDERS,
                Thread.ofPlatform().daemon().name("smsc-receipts-", 0).factory());
        for (int i = 0; i < RECEIPT_SENDERS; i++) {
            receiptSender.submit(this::sendReceipts);
        }
        acceptor = Thread.ofPlatform().daemon().name("smsc-accept").start(() -> accept(l));
    }

    private void accept(SMPPServerSessionListener l) {
        while (true) {
            SMPPServerSession session;
            try {
                session = l.accept();
            } catch (IOException e) {
                return; // closed
            }
            Thread.ofVirtual().start(() -> {
                try {
                    BindRequest bind = session.waitForBind(5_000);
                    if (SYSTEM_ID.equals(bind.getSystemId()) && PASSWORD.equals(bind.getPassword())) {
                        bind.accept(SYSTEM_ID);
                        sessions.add(session);
                    } else {
                        bind.reject(0x0E); // ESME_RINVPASWD
                    }
                } catch (Exception e) {
                    log.warn("SMSC: bind failed: {}", e.toString(), e);
                    session.close();
                }
            });
        }
    }

    /** Every submit from now on takes at least this long (a slow SMSC). */
    public void slow(Duration perSubmit) {
        this.delay = perSubmit;
    }

    /** Receipts for messages to this number say UNDELIV. */
    public void failDeliveryTo(String number) {
        failDeliveryTo.add(number);
    }

    /** Whether to keep every message's text ({@link #received}); the bench counts without keeping. */
    public void keepMessages(boolean keep) {
        this.keepMessages = keep;
    }

    /**
     * Stops for real: closes the listener and every session (clients see the connection drop), and stops sending
     * receipts; the messages and receipts it holds stay for {@link #restart}.
     */
    public synchronized void stop() {
        try {
            if (listener != null) {
                listener.close();
            }
        } catch (IOException e) {
            log.debug("SMSC: closing the listener: {}", e.toString());
        }
        listener = null;
        receiptSender.shutdownNow();
        try {
            receiptSender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SMPPServerSession s : sessions) {
            s.close();
        }
        sessions.clear();
    }

    /** Starts again on the same port after {@link #stop}. */
    public synchronized void restart() throws IOException {
        listen();
    }

    /** Whole messages received so far, in order of their last part. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Messages received whose (to, text) had been received before. */
    public long duplicates() {
        return duplicates.get();
    }

    /** Whole messages received (kept or not). */
    public long messages() {
        return seen.values().stream().mapToLong(Integer::longValue).sum();
    }

    /** Distinct (to, text) received. */
    public long distinct() {
        return seen.size();
    }

    public long submits() {
        return submits.get();
    }

    public long receiptsSent() {
        return receiptsSent.get();
    }

    /** Receipts not handed to a client yet. */
    public int receiptsWaiting() {
        return receipts.size();
    }

    private final class Submits implements ServerMessageReceiverListener {
        @Override
        public SubmitSmResult onAcceptSubmitSm(SubmitSm submit, SMPPServerSession source)
                throws ProcessRequestException {
            Duration d = delay;
            if (!d.isZero()) {
                try {
                    Thread.sleep(d);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            String to = submit.getDestAddress();
            if (to == null || !to.matches("[0-9]{7,15}")) {
                throw new ProcessRequestException("invalid destination", 0x0B); // ESME_RINVDSTADR
            }
            submits.incrementAndGet();
            String id = Long.toHexString(ids.incrementAndGet());
            remember(id, to);
            OptionalParameter.OctetString payload =
                    (OptionalParameter.OctetString) submit.getOptionalParameter(OptionalParameter.Tag.MESSAGE_PAYLOAD);
            if (payload != null) {
                complete(
                        id,
                        to,
                        submit.getSourceAddr(),
                        SmsEncoding.read(payload.getValue(), (byte) 0, submit.getDataCoding())
                                .text(),
                        1,
                        true);
            } else {
                SmsEncoding.Part part =
                        SmsEncoding.read(submit.getShortMessage(), submit.getEsmClass(), submit.getDataCoding());
                if (part.single()) {
                    complete(id, to, submit.getSourceAddr(), part.text(), 1, false);
                } else {
                    String key = to + "/" + part.reference() + "/" + part.count();
                    TreeMap<Integer, String> parts = partsInFlight.computeIfAbsent(key, k -> new TreeMap<>());
                    String whole = null;
                    synchronized (parts) {
                        parts.put(part.number(), part.text());
                        if (parts.size() == part.count()) {
                            whole = String.join("", parts.values());
                            partsInFlight.remove(key);
                        }
                    }
                    if (whole != null) {
                        complete(id, to, submit.getSourceAddr(), whole, part.count(), false);
                    }
                }
            }
            try {
                return new SubmitSmResult(new MessageId(id), new OptionalParameter[0]);
            } catch (org.jsmpp.PDUStringException e) {
                throw new ProcessRequestException("message id", 0x08);
            }
        }

        private void complete(String id, String to, String from, String text, int parts, boolean lms) {
            if (seen.merge(to + "\n" + text, 1, Integer::sum) > 1) {
                duplicates.incrementAndGet();
            }
            if (keepMessages) {
                received.add(new Received(id, to, from, text, parts, lms));
            }
        }

        @Override
        public SubmitMultiResult onAcceptSubmitMulti(SubmitMulti submitMulti, SMPPServerSession source)
                throws ProcessRequestException {
            throw new ProcessRequestException("submit_multi is not supported", 0x03);
        }

        @Override
        public QuerySmResult onAcceptQuerySm(QuerySm querySm, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("query_sm is not supported", 0x03);
        }

        @Override
        public void onAcceptReplaceSm(ReplaceSm replaceSm, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("replace_sm is not supported", 0x03);
        }

        @Override
        public void onAcceptCancelSm(CancelSm cancelSm, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("cancel_sm is not supported", 0x03);
        }

        @Override
        public BroadcastSmResult onAcceptBroadcastSm(BroadcastSm broadcastSm, SMPPServerSession source)
                throws ProcessRequestException {
            throw new ProcessRequestException("broadcast_sm is not supported", 0x03);
        }

        @Override
        public void onAcceptCancelBroadcastSm(CancelBroadcastSm cancelBroadcastSm, SMPPServerSession source)
                throws ProcessRequestException {
            throw new ProcessRequestException("cancel_broadcast_sm is not supported", 0x03);
        }

        @Override
        public QueryBroadcastSmResult onAcceptQueryBroadcastSm(
                QueryBroadcastSm queryBroadcastSm, SMPPServerSession source) throws ProcessRequestException {
            throw new ProcessRequestException("query_broadcast_sm is not supported", 0x03);
        }

        @Override
        public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
            throw new ProcessRequestException("data_sm is not supported", 0x03);
        }
    }

    /** Receipts are queued once the submit_sm_resp is on its way (facts: never from the PDU thread itself). */
    private final class AfterResponse implements ServerResponseDeliveryListener {
        @Override
        public void onSubmitSmRespSent(SubmitSmResult result, SMPPServerSession source) {
            receipts.add(new PendingReceipt(result.getMessageId(), "", "", true));
        }

        @Override
        public void onSubmitSmRespError(SubmitSmResult result, Exception e, SMPPServerSession source) {}

        @Override
        public void onSubmitMultiRespSent(SubmitMultiResult result, SMPPServerSession source) {}

        @Override
        public void onSubmitMultiRespError(SubmitMultiResult result, Exception e, SMPPServerSession source) {}
    }

    private final Map<String, String> destinationOf = new ConcurrentHashMap<>();

    private void sendReceipts() {
        while (!Thread.currentThread().isInterrupted()) {
            PendingReceipt r;
            try {
                r = receipts.take();
            } catch (InterruptedException e) {
                return;
            }
            SMPPServerSession session = sessions.stream()
                    .filter(s -> s.getSessionState().isBound())
                    .findFirst()
                    .orElse(null);
            if (session == null) {
                receipts.add(r); // keep it for the next bind
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            try {
                boolean delivered = !failDeliveryTo.contains(destinationOf.getOrDefault(r.messageId(), ""));
                Date now = new Date();
                String text = new DeliveryReceipt(
                                r.messageId(),
                                1,
                                delivered ? 1 : 0,
                                now,
                                now,
                                delivered ? DeliveryReceiptState.DELIVRD : DeliveryReceiptState.UNDELIV,
                                delivered ? "000" : "001",
                                "")
                        .toString();
                session.deliverShortMessage(
                        "",
                        TypeOfNumber.UNKNOWN,
                        NumberingPlanIndicator.UNKNOWN,
                        "",
                        TypeOfNumber.UNKNOWN,
                        NumberingPlanIndicator.UNKNOWN,
                        "",
                        new ESMClass(MessageMode.DEFAULT, MessageType.SMSC_DEL_RECEIPT, GSMSpecificFeature.DEFAULT),
                        (byte) 0,
                        (byte) 0,
                        new RegisteredDelivery(0),
                        DataCodings.ZERO,
                        text.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                        new OptionalParameter.Receipted_message_id(r.messageId()));
                receiptsSent.incrementAndGet();
            } catch (Exception e) {
                receipts.add(r); // the client did not take it: again later
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Stops (facts: receipts first, then the listener, the receipt executor, the sessions). */
    @Override
    public void close() {
        stop();
    }

    /** For the receipts of messages to a failing number: which number each id went to. */
    private void remember(String id, String to) {
        if (!failDeliveryTo.isEmpty()) {
            destinationOf.put(id, to);
        }
    }
}
