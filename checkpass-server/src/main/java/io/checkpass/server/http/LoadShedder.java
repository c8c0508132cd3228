package io.checkpass.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Bounded concurrency for one class of routes. A request that finds every permit taken is answered at once with
 * 503 and {@code Retry-After}; there is no queue to grow, so admitted requests keep their latency and the
 * excess costs microseconds (docs/principles.md §5). Clients (scanners, wallets) back off and retry — nothing is lost,
 * because ingest is idempotent and issuance is cached per person, device and day.
 */
public final class LoadShedder {
    private final String routeClass;
    private final Semaphore permits;
    private final int limit;
    private final int retryAfterSeconds;
    private final Counter shed;
    private final BodyReader bodies;
    /** Told of every shed request (the centre's degraded log, docs/compliance.md): must cost next to nothing. */
    private final Consumer<String> onShed;
    /** Routes anyone may call take small bodies only (the demo wallet's sign-in): bounded memory per stranger. */
    static final int UNAUTHENTICATED_BODY_BYTES = 64 * 1024;

    public LoadShedder(String routeClass, int limit, int retryAfterSeconds, BodyReader bodies, MeterRegistry metrics) {
        this(routeClass, limit, retryAfterSeconds, bodies, metrics, shedClass -> {});
    }

    /** @param onShed called with the route class for each request answered 503 at the bound */
    public LoadShedder(
            String routeClass,
            int limit,
            int retryAfterSeconds,
            BodyReader bodies,
            MeterRegistry metrics,
            Consumer<String> onShed) {
        this.onShed = onShed;
        this.bodies = bodies;
        this.routeClass = routeClass;
        this.permits = new Semaphore(limit);
        this.limit = limit;
        this.retryAfterSeconds = retryAfterSeconds;
        this.shed = Counter.builder("checkpass_http_shed")
                .tag("route_class", routeClass)
                .description("requests answered 503 because the route class was at its concurrency bound")
                .register(metrics);
        metrics.gauge(
                "checkpass_http_in_flight",
                List.of(Tag.of("route_class", routeClass)),
                permits,
                p -> limit - p.availablePermits());
    }

    /** Work to do while holding a permit. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    /**
     * Wraps a handler of a route anyone may call (no client to count against) in this bound. Its body, if any, is
     * read first, at most {@value #UNAUTHENTICATED_BODY_BYTES} bytes and within the body deadline, so a slow
     * sender holds no permit.
     */
    public Handler guard(Handler handler) {
        return (req, res) -> {
            bodies.preRead(req, UNAUTHENTICATED_BODY_BYTES);
            run(req, res, () -> handler.handle(req, res));
        };
    }

    /** Runs {@code work} holding a permit, or answers 503 at once when none is free. */
    public void run(ServerRequest req, ServerResponse res, Work work) throws Exception {
        if (!permits.tryAcquire()) {
            shed.increment();
            onShed.accept(routeClass);
            res.header(HeaderNames.RETRY_AFTER, Integer.toString(retryAfterSeconds));
            Problems.send(
                    req,
                    res,
                    new ApiException(
                            503,
                            "overloaded",
                            "Server busy",
                            routeClass + " requests are at their limit of " + limit + " in flight; retry after "
                                    + retryAfterSeconds + " s",
                            Map.of("retryAfterSeconds", retryAfterSeconds)));
            return;
        }
        try {
            work.run();
        } finally {
            permits.release();
        }
    }

    public String routeClass() {
        return routeClass;
    }
}
