package io.checkpass.server.notify;

import java.time.Instant;

/** Where a channel reports what the provider later said about a message it accepted. */
public interface DeliveryReceipts {

    /**
     * Records a receipt. A receipt may arrive before the outbox has stored the provider's message id (SMSCs answer
     * fast), so an implementation holds receipts for ids it does not know yet.
     *
     * @param delivered true for delivered, false for failed or expired at the provider
     */
    void record(
            NotificationChannel.Kind channel, String providerMessageId, boolean delivered, String detail, Instant at);
}
