package io.checkpass.server.sip;

import io.checkpass.server.visits.CheckIn;
import io.checkpass.server.visits.CheckInLog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Group commit in front of a {@link CheckInLog}: calls that arrive while a write is in progress are written
 * together in the next one, by one writer thread, so the SIP endpoint holds one database connection however many
 * calls come in. Each caller still returns only once its own check-in is durable, and gets the write's failure if
 * it fails. With one append per call, SIPp at 300 calls/s starved on the centre's 16-connection pool (calls
 * waiting over 10 s for a connection, then 503); grouped, 1,000 calls/s were all stored (docs/sip.md).
 */
final class GroupCommitLog implements CheckInLog, AutoCloseable {
    private record Pending(CheckIn checkIn, CompletableFuture<Void> stored) {}

    private final CheckInLog log;
    private final int maxBatch;
    private final BlockingQueue<Pending> queue;
    private final Thread writer;
    private volatile boolean open = true;

    /**
     * @param capacity check-ins waiting at most; past it {@link #append} fails at once (the caller answers 503)
     * @param maxBatch check-ins per write at most
     */
    GroupCommitLog(CheckInLog log, int capacity, int maxBatch) {
        this.log = log;
        this.maxBatch = maxBatch;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = Thread.ofVirtual().name("sip-group-commit").start(this::write);
    }

    /** Waits until the write that carries these check-ins has committed; reports each as inserted. */
    @Override
    public Stored append(List<CheckIn> batch) {
        List<CompletableFuture<Void>> stored = new ArrayList<>(batch.size());
        synchronized (this) { // against close(): nothing is queued after the writer's last look
            for (CheckIn c : batch) {
                Pending p = new Pending(c, new CompletableFuture<>());
                if (!open || !queue.offer(p)) {
                    throw new IllegalStateException(open ? "check-in queue full (" + queue.size() + " waiting)" : "check-in log closed");
                }
                stored.add(p.stored());
            }
        }
        try {
            CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new)).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the check-in was being stored", e);
        }
        return new Stored(batch.size(), 0);
    }

    /** Check-ins queued for the next write. */
    int waiting() {
        return queue.size();
    }

    private void write() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (open || !queue.isEmpty()) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                if (queue.isEmpty()) {
                    break;
                }
                continue; // closing: write what is queued first
            }
            queue.drainTo(batch, maxBatch - 1);
            try {
                log.append(batch.stream().map(Pending::checkIn).toList());
                batch.forEach(p -> p.stored().complete(null));
            } catch (RuntimeException e) {
                batch.forEach(p -> p.stored().completeExceptionally(e));
            }
            batch.clear();
        }
        Pending left;
        while ((left = queue.poll()) != null) {
            left.stored().completeExceptionally(new IllegalStateException("check-in log closed"));
        }
    }

    /** Stops taking check-ins; the queued ones are written first. */
    @Override
    public void close() {
        synchronized (this) {
            open = false;
        }
        writer.interrupt();
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
