package io.checkpass.server.http;

import io.checkpass.server.auth.Role;
import io.checkpass.server.refusal.Refused;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The whole HTTP surface, assembled in one place and shared by {@code checkpass serve} and the HTTP tests, so
 * tests exercise the real routes on port 0. Route modules register themselves; this class adds what every
 * route shares: timing, health, metrics, the API description, and the mapping of failures to problem+json.
 */
public final class HttpApi {
    /** Something that adds routes. */
    @FunctionalInterface
    public interface RouteModule {
        void register(HttpRouting.Builder routing, RouteClasses classes, Guard guard);
    }

    private final List<RouteModule> modules = new ArrayList<>();
    private final RouteClasses classes;
    private final Guard guard;
    private final PrometheusMeterRegistry metrics;
    private final Readiness readiness;
    private boolean strictTransportSecurity;
    private Consumer<String> onStorageUnavailable = route -> {};

    public HttpApi(RouteClasses classes, Guard guard, PrometheusMeterRegistry metrics, Readiness readiness) {
        this.classes = classes;
        this.guard = guard;
        this.metrics = metrics;
        this.readiness = readiness;
    }

    /**
     * Whether every response carries {@code Strict-Transport-Security}: only when this server itself speaks TLS. Behind
     * a TLS-terminating proxy the proxy sends it (docs/operations.md); a plain-HTTP answer must not, browsers ignore it.
     */
    public HttpApi strictTransportSecurity(boolean on) {
        this.strictTransportSecurity = on;
        return this;
    }

    /**
     * Told, with the route, of each request answered 503 because the database failed (the centre's degraded log,
     * docs/compliance.md).
     */
    public HttpApi onStorageUnavailable(Consumer<String> listener) {
        this.onStorageUnavailable = listener;
        return this;
    }

    public HttpApi add(RouteModule module) {
        modules.add(module);
        return this;
    }

    public void routing(HttpRouting.Builder routing) {
        routing.addFilter((chain, req, res) -> {
            long started = System.nanoTime();
            try {
                // A response is what its Content-Type says, never sniffed into something a browser would run.
                res.header(NOSNIFF, "nosniff");
                if (strictTransportSecurity) {
                    res.header(HSTS, ServerTls.STRICT_TRANSPORT_SECURITY);
                }
                Optional<String> foreign = crossOriginWrite(req);
                if (foreign.isPresent()) {
                    Problems.send(
                            req,
                            res,
                            new ApiException(
                                    403,
                                    "cross-origin",
                                    "Cross-origin request refused",
                                    "a page at " + foreign.get()
                                            + " may not write to this centre; only its own pages may"));
                    return;
                }
                chain.proceed();
            } finally {
                String route = req.matchingPattern().orElse("unmatched");
                Timer.builder("checkpass_http_requests")
                        .tag("method", methodTag(req.prologue().method().text()))
                        .tag("route", route)
                        .tag("status", Integer.toString(res.status().code()))
                        .publishPercentiles(0.5, 0.99, 0.999)
                        .register(metrics)
                        .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            }
        });
        routing.get("/health/live", (req, res) -> res.send("ok"));
        routing.get("/health/ready", (req, res) -> {
            String problem = readiness.problem();
            if (problem != null) {
                throw new ApiException(503, "not-ready", "Not ready", problem);
            }
            res.send("ready");
        });
        routing.get(
                "/metrics",
                guard.require(
                        (principal, req, res) -> {
                            res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                            res.send(metrics.scrape());
                        },
                        Role.MONITORING));
        byte[] openApi = resource("/io/checkpass/server/http/api.yaml");
        routing.get("/api/openapi.yaml", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "application/yaml");
            res.send(openApi);
        });
        for (RouteModule module : modules) {
            module.register(routing, classes, guard);
        }
        routing.error(ApiException.class, Problems::send);
        routing.error(Refused.class, Problems::send);
        // Helidon's own handlers (static content) answer conditional requests by throwing 304; not a failure.
        routing.error(HttpException.class, (req, res, e) -> {
            if (e.status().code() == 304) {
                res.status(e.status());
                res.send();
            } else {
                Problems.send(
                        req,
                        res,
                        new ApiException(
                                e.status().code(),
                                "http-" + e.status().code(),
                                e.status().reasonPhrase(),
                                e.getMessage()));
            }
        });
        routing.error(Throwable.class, (req, res, t) -> {
            if (Problems.storageUnavailable(t)) {
                onStorageUnavailable.accept(req.matchingPattern().orElse("unmatched"));
            }
            Problems.sendUnexpected(req, res, t);
        });
        routing.any((req, res) -> {
            throw ApiException.notFound(
                    "no-such-route",
                    "no route " + req.prologue().method().text() + " "
                            + req.path().path() + "; see /api/openapi.yaml");
        });
    }

    /** The methods the API has; any other, which a client may make up at will, is tagged "other" so tags stay bounded. */
    private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

    private static final HeaderName NOSNIFF = HeaderNames.create("X-Content-Type-Options");
    private static final HeaderName HSTS = HeaderNames.create("Strict-Transport-Security");
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    /**
     * The origin of a page elsewhere that makes this browser write to the centre, if that is what this request is.
     * Browsers name the page's origin on every write; API clients (scanner apps, labs, curl) send none. A page of
     * another site could otherwise make an operator's browser post with credentials it holds, so a write whose
     * {@code Origin} is not this centre's own host is refused. Reads are left alone: they change nothing.
     */
    static Optional<String> crossOriginWrite(ServerRequest req) {
        if (READS.contains(req.prologue().method().text())) {
            return Optional.empty();
        }
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        if (origin.isEmpty()) {
            return Optional.empty();
        }
        String host = req.headers().first(HeaderNames.HOST).orElse("");
        try {
            String authority = URI.create(origin.get()).getRawAuthority();
            return host.equalsIgnoreCase(authority) ? Optional.empty() : origin;
        } catch (IllegalArgumentException e) {
            return origin;
        }
    }

    static String methodTag(String method) {
        return KNOWN_METHODS.contains(method) ? method : "other";
    }

    private static byte[] resource(String name) {
        try (InputStream in = HttpApi.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the build (it is copied from docs/api.yaml)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
