package io.checkpass.server.notify;

import io.checkpass.server.db.GroupCommit;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

/**
 * Delivery receipts into the outbox: each receipt is stored (group-committed with the others arriving at the same
 * time) before {@link #record} returns, so a channel acknowledges a receipt to its provider only once it is durable.
 * A receipt for a message whose id the dispatcher has not stored yet is kept in {@code notification_receipt} and
 * applied when it is.
 */
public final class OutboxReceipts implements DeliveryReceipts, AutoCloseable {
    private final GroupCommit<Outbox.Receipt, Boolean> writer;

    public OutboxReceipts(Outbox outbox) {
        this.writer = new GroupCommit<>(
                "notification-receipts",
                batch -> {
                    outbox.recordReceipts(batch);
                    return Collections.nCopies(batch.size(), Boolean.TRUE);
                },
                100_000,
                2_000);
    }

    @Override
    public void record(
            NotificationChannel.Kind channel, String providerMessageId, boolean delivered, String detail, Instant at) {
        writer.submitAll(List.of(new Outbox.Receipt(channel, providerMessageId, delivered, detail, at)));
    }

    @Override
    public void close() {
        writer.close();
    }
}
