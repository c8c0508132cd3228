package io.checkpass.server.http;

import io.helidon.webserver.http.ServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Reads request bodies ahead of the route's concurrency permit, each within a deadline. A client that sends its
 * body slowly, or stops mid-body, must hold nothing another client needs: so the body is read before the permit
 * is taken, and a body not in by the deadline is cut off.
 *
 * <p>The web server sets no read timeout on its sockets, so the deadline is kept here: a watchdog interrupts the
 * reading thread when it passes. Requests are served on virtual threads, where an interrupt aborts a blocked
 * socket read and closes the connection; the stalled client sees its connection closed (it never finished its
 * request, so there is nobody to answer a 408 to but the socket, which is gone).
 */
public final class BodyReader implements AutoCloseable {
    private final Duration deadline;
    private final ScheduledThreadPoolExecutor watchdog;

    /** @param deadline how long a body may take to arrive in full ({@code server.read-timeout}) */
    public BodyReader(Duration deadline) {
        this.deadline = deadline;
        this.watchdog = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().daemon().name("body-deadline").factory());
        this.watchdog.setRemoveOnCancelPolicy(true);
    }

    /** One read in progress: the watchdog may interrupt it only while it is not done. */
    private static final class Reading {
        private final Thread reader = Thread.currentThread();
        private boolean done;
        private boolean interrupted;

        synchronized void interrupt() {
            if (!done) {
                interrupted = true;
                reader.interrupt();
            }
        }

        /** Marks the read done; true if the watchdog interrupted it (the interrupt flag is then cleared). */
        synchronized boolean finish() {
            done = true;
            if (interrupted) {
                Thread.interrupted();
            }
            return interrupted;
        }
    }

    /**
     * Reads the whole body now, at most {@code maxBytes}, and keeps it with the request, where {@link Bodies#read}
     * finds it.
     *
     * @throws ApiException 413 when larger, 408 when not in by the deadline, 400 when the client stopped mid-body
     */
    public void preRead(ServerRequest req, int maxBytes) {
        if (!req.content().hasEntity()
                || req.context().get(Bodies.PreRead.class).isPresent()) {
            return;
        }
        long declared = req.headers().contentLength().orElse(-1L);
        if (declared > maxBytes) {
            throw Bodies.tooLarge(maxBytes);
        }
        Reading reading = new Reading();
        ScheduledFuture<?> alarm = watchdog.schedule(reading::interrupt, deadline.toMillis(), TimeUnit.MILLISECONDS);
        ByteArrayOutputStream body = new ByteArrayOutputStream((int) Math.min(Math.max(declared, 0), maxBytes));
        byte[] chunk = new byte[16 * 1024];
        RuntimeException failure = null;
        try (InputStream in = req.content().inputStream()) {
            int n;
            while ((n = in.read(chunk)) != -1) {
                body.write(chunk, 0, n);
                if (body.size() > maxBytes) {
                    failure = Bodies.tooLarge(maxBytes);
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            failure = Bodies.stoppedSending(e, deadline);
        } finally {
            alarm.cancel(false);
            if (reading.finish()) {
                failure = Bodies.tooSlow(deadline);
            }
        }
        if (failure != null) {
            throw failure;
        }
        req.context().register(new Bodies.PreRead(body.toByteArray()));
    }

    /** Stops the watchdog. */
    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
