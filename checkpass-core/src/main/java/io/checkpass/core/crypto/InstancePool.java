package io.checkpass.core.crypto;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * A pool of non-thread-safe JCA objects (Signature, MessageDigest, KeyFactory). A ThreadLocal would cache
 * nothing on a server where every request runs on a new virtual thread, and making a native ACCP Signature per
 * request costs more than the signature itself. Objects are borrowed and returned; the pool grows to the peak
 * concurrency and holds at most {@code max} idle ones.
 */
final class InstancePool<T> {
    private final ConcurrentLinkedQueue<T> idle = new ConcurrentLinkedQueue<>();
    private final Supplier<T> factory;
    private final int max;

    InstancePool(Supplier<T> factory, int max) {
        this.factory = factory;
        this.max = max;
    }

    T borrow() {
        T t = idle.poll();
        return t != null ? t : factory.get();
    }

    void release(T t) {
        if (idle.size() < max) {
            idle.offer(t);
        }
    }
}
