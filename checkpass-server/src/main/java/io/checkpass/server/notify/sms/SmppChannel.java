package io.checkpass.server.notify.sms;

import io.checkpass.server.notify.DeliveryReceipts;
import io.checkpass.server.notify.NotificationChannel;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsmpp.InvalidResponseException;
import org.jsmpp.PDUException;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataCoding;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.extra.ResponseTimeoutException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.jsmpp.util.DeliveryReceiptState;
import org.jsmpp.util.InvalidDeliveryReceiptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SMS over SMPP 3.4 (jsmpp): one {@code bind_transceiver} session, kept bound by a reconnect loop and
 * {@code enquire_link}; at most {@link SmsSettings#window} submits in flight and {@link SmsSettings#tps} a second.
 * Texts go in UCS-2; a long one as concatenated parts ({@link SmsEncoding}) or as one LMS in {@code message_payload}.
 * Receipts ({@code deliver_sm}) go to {@link DeliveryReceipts}, which holds those that arrive before the outbox knows
 * the message id; the deliver_sm_resp is sent once the receipt is durable. A concatenated message is identified by
 * its last part's id: its receipt says whether the message was delivered.
 */
public final class SmppChannel implements NotificationChannel {
    private static final Logger log = LoggerFactory.getLogger(SmppChannel.class);
    /** ESME_RTHROTTLED and ESME_RMSGQFUL: the SMSC asks us to slow down; try again later. */
    private static final int THROTTLED = 0x58;

    private static final int QUEUE_FULL = 0x14;

    private final SmsSettings settings;
    private final DeliveryReceipts receipts;
    private final Clock clock;
    private final Semaphore window;
    private final TokenBucket rate;
    private final AtomicInteger reference = new AtomicInteger();
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final Object bindLock = new Object();
    private volatile SMPPSession session;
    private final Thread keeper;

    /** Starts binding in the background; {@link #send} answers RetryLater until bound. */
    public SmppChannel(SmsSettings settings, DeliveryReceipts receipts, Clock clock) {
        this.settings = settings;
        this.receipts = receipts;
        this.clock = clock;
        this.window = new Semaphore(settings.window(), true);
        this.rate = new TokenBucket(settings.tps());
        this.keeper = Thread.ofVirtual().name("smpp-bind").start(this::keepBound);
    }

    @Override
    public Kind kind() {
        return Kind.SMS;
    }

    /** Whether the session is bound now. */
    public boolean bound() {
        SMPPSession s = session;
        return s != null && s.getSessionState().isBound();
    }

    /** Waits up to {@code millis} for the session to bind (tests and start-up). */
    public boolean awaitBound(long millis) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!bound() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        return bound();
    }

    private void keepBound() {
        while (open.get()) {
            if (!bound()) {
                try {
                    bind();
                } catch (IOException | RuntimeException e) {
                    log.debug("SMSC {}:{} not reachable: {}", settings.host(), settings.port(), e.toString());
                }
            }
            try {
                synchronized (bindLock) {
                    bindLock.wait(settings.reconnectDelay().toMillis());
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void bind() throws IOException {
        SMPPSession old = session;
        if (old != null) {
            old.close();
        }
        SMPPSession s = new SMPPSession(
                NoDelaySockets.client((int) settings.submitTimeout().toMillis()));
        // Receipts come in as fast as submits go out: room for them, and threads that may wait for the outbox's
        // group commit (facts: the default queue of 100 counts responses too, and throttles both sides).
        s.setQueueCapacity(Math.max(1000, settings.window() * 10));
        s.setPduProcessorDegree(64);
        s.setTransactionTimer(settings.submitTimeout().toMillis());
        s.setEnquireLinkTimer((int) settings.enquireLink().toMillis());
        s.setMessageReceiverListener(new Receipts());
        s.addSessionStateListener((newState, oldState, source) -> {
            if (!newState.isBound() && open.get()) {
                synchronized (bindLock) {
                    bindLock.notifyAll();
                }
            }
        });
        s.connectAndBind(
                settings.host(),
                settings.port(),
                new BindParameter(
                        BindType.BIND_TRX,
                        settings.systemId(),
                        settings.password().orElse(""),
                        settings.systemType(),
                        TypeOfNumber.UNKNOWN,
                        NumberingPlanIndicator.UNKNOWN,
                        null),
                settings.submitTimeout().toMillis());
        session = s;
        log.info("bound to the SMSC at {}:{} as {}", settings.host(), settings.port(), settings.systemId());
    }

    @Override
    public SendResult send(Message message) {
        SMPPSession s = session;
        if (s == null || !s.getSessionState().isBound()) {
            return new SendResult.RetryLater("SMSC not bound");
        }
        try {
            if (!window.tryAcquire(settings.submitTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                return new SendResult.RetryLater("submit window full");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SendResult.RetryLater("interrupted");
        }
        try {
            boolean lms = settings.longMessages() == SmsSettings.LongMessages.LMS
                    && message.body().length() > SmsEncoding.SINGLE_UNITS;
            if (lms) {
                rate.acquire();
                return new SendResult.Accepted(submit(
                        s,
                        settings.lmsServiceType(),
                        message.address(),
                        new ESMClass(),
                        new byte[0],
                        new OptionalParameter.Message_payload(SmsEncoding.ucs2(message.body()))));
            }
            List<byte[]> parts = SmsEncoding.parts(message.body(), reference.getAndIncrement() & 0xff);
            ESMClass esm = parts.size() > 1 ? new ESMClass(SmsEncoding.UDHI) : new ESMClass();
            String last = null;
            for (byte[] part : parts) {
                rate.acquire();
                last = submit(s, "", message.address(), esm, part);
            }
            return new SendResult.Accepted(last);
        } catch (NegativeResponseException e) {
            int status = e.getCommandStatus();
            String reason = "SMSC refused with status 0x" + Integer.toHexString(status);
            return status == THROTTLED || status == QUEUE_FULL || status == 0x08 // ESME_RSYSERR
                    ? new SendResult.RetryLater(reason)
                    : new SendResult.Rejected(reason);
        } catch (ResponseTimeoutException | InvalidResponseException | IOException e) {
            return new SendResult.RetryLater(e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (PDUException | IllegalArgumentException e) {
            return new SendResult.Rejected("cannot encode: " + e.getMessage());
        } finally {
            window.release();
        }
    }

    private String submit(
            SMPPSession s, String serviceType, String to, ESMClass esm, byte[] body, OptionalParameter... tlvs)
            throws PDUException, ResponseTimeoutException, InvalidResponseException, NegativeResponseException,
                    IOException {
        DataCoding ucs2 = () -> SmsEncoding.UCS2;
        return s.submitShortMessage(
                        serviceType,
                        TypeOfNumber.UNKNOWN,
                        NumberingPlanIndicator.UNKNOWN,
                        settings.sourceAddress(),
                        TypeOfNumber.UNKNOWN,
                        NumberingPlanIndicator.ISDN,
                        to,
                        esm,
                        (byte) 0,
                        (byte) 1,
                        null,
                        null,
                        new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE),
                        (byte) 0,
                        ucs2,
                        (byte) 0,
                        body,
                        tlvs)
                .getMessageId();
    }

    /** deliver_sm: receipts to the outbox (returning only once durable); anything else is acknowledged and dropped. */
    private final class Receipts implements MessageReceiverListener {
        @Override
        public void onAcceptDeliverSm(DeliverSm deliverSm) throws ProcessRequestException {
            if (!MessageType.SMSC_DEL_RECEIPT.containedIn(deliverSm.getEsmClass())) {
                return; // a mobile-originated reply: the centre takes none
            }
            try {
                DeliveryReceipt receipt = deliverSm.getShortMessageAsDeliveryReceipt();
                OptionalParameter.Receipted_message_id tlv =
                        deliverSm.getOptionalParameter(OptionalParameter.Receipted_message_id.class);
                String id = tlv != null ? tlv.getValueAsString() : receipt.getId();
                boolean delivered = receipt.getFinalStatus() == DeliveryReceiptState.DELIVRD;
                receipts.record(
                        Kind.SMS,
                        id,
                        delivered,
                        receipt.getFinalStatus() + (receipt.getError() == null ? "" : " err " + receipt.getError()),
                        clock.instant());
            } catch (InvalidDeliveryReceiptException e) {
                log.warn("an unreadable delivery receipt from the SMSC: {}", e.getMessage());
            } catch (RuntimeException e) {
                // Not acknowledged: the SMSC sends the receipt again.
                throw new ProcessRequestException("cannot store the receipt: " + e.getMessage(), 0x08);
            }
        }

        @Override
        public void onAcceptAlertNotification(AlertNotification alertNotification) {}

        @Override
        public DataSmResult onAcceptDataSm(org.jsmpp.bean.DataSm dataSm, Session source)
                throws ProcessRequestException {
            throw new ProcessRequestException("data_sm is not supported", 0x03);
        }
    }

    /** Unbinds and closes the session; stops reconnecting. */
    @Override
    public void close() {
        open.set(false);
        keeper.interrupt();
        try {
            keeper.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        SMPPSession s = session;
        if (s != null) {
            s.unbindAndClose();
        }
    }
}
