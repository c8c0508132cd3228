package io.checkpass.server.db;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * Group commit: items submitted while a write is in progress are written together in the next one, by one
 * writer thread, so many concurrent callers share one transaction (one WAL flush) and one connection. Each
 * caller still returns only once its own item is durable, with its own result, and gets the write's failure if
 * it fails. The queue is bounded: past {@code capacity} a submit fails at once with a
 * {@link RejectedExecutionException}, and the caller sheds load.
 * <p>The "write" may as well be a read: the issuance path batches its ledger and registry lookups the same way,
 * one query for all the requests waiting instead of a round trip each.
 *
 * @param <T> what is written
 * @param <R> what each item's write returns
 */
public final class GroupCommit<T, R> implements AutoCloseable {
    private record Pending<T, R>(T item, CompletableFuture<R> done) {}

    private final Function<List<T>, List<R>> writer;
    private final int maxBatch;
    private final BlockingQueue<Pending<T, R>> queue;
    private final Thread thread;
    private final String name;
    private volatile boolean open = true;

    /**
     * @param writer   writes a batch in one transaction and returns one result per item, in order
     * @param capacity items waiting at most
     * @param maxBatch items per write at most
     */
    public GroupCommit(String name, Function<List<T>, List<R>> writer, int capacity, int maxBatch) {
        this.writer = writer;
        this.maxBatch = maxBatch;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.name = name;
        this.thread = Thread.ofVirtual().name(name).start(this::run);
    }

    /** Writes the items (with whatever else is waiting) and returns their results once committed. */
    public List<R> submitAll(List<T> items) {
        List<CompletableFuture<R>> done = new ArrayList<>(items.size());
        synchronized (this) { // against close(): nothing is queued after the writer's last look
            for (T item : items) {
                Pending<T, R> p = new Pending<>(item, new CompletableFuture<>());
                if (!open || !queue.offer(p)) {
                    // Rejected, not failed: an HTTP caller answers 503 and the client retries (Problems).
                    throw new RejectedExecutionException(
                            open ? name + ": queue full (" + queue.size() + " waiting)" : name + ": closed");
                }
                done.add(p.done());
            }
        }
        List<R> results = new ArrayList<>(items.size());
        try {
            for (CompletableFuture<R> f : done) {
                results.add(f.get());
            }
            return results;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the write", e);
        }
    }

    public R submit(T item) {
        return submitAll(List.of(item)).getFirst();
    }

    /** Items queued for the next write. */
    public int waiting() {
        return queue.size();
    }

    private void run() {
        List<Pending<T, R>> batch = new ArrayList<>(maxBatch);
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
                List<R> results = writer.apply(batch.stream().map(Pending::item).toList());
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).done().complete(results.get(i));
                }
            } catch (RuntimeException e) {
                batch.forEach(p -> p.done().completeExceptionally(e));
            }
            batch.clear();
        }
        Pending<T, R> left;
        while ((left = queue.poll()) != null) {
            left.done().completeExceptionally(new IllegalStateException("writer closed"));
        }
    }

    /** Stops taking items; the queued ones are written first. */
    @Override
    public void close() {
        synchronized (this) {
            open = false;
        }
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
