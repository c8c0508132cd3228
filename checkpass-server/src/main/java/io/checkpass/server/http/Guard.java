package io.checkpass.server.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.checkpass.server.auth.Authenticator;
import io.checkpass.server.auth.Principal;
import io.checkpass.server.auth.Role;
import io.checkpass.server.auth.SessionTokens;
import io.checkpass.server.sip.TrustedPeers;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Authentication and authorisation for a route: 401 without valid credentials, 403 without one of the roles. */
public final class Guard {
    private static final Logger log = LoggerFactory.getLogger(Guard.class);
    private static final HeaderName REQUESTED_WITH = HeaderNames.create("X-Requested-With");
    private static final HeaderName FORWARDED_FOR = HeaderNames.create("X-Forwarded-For");
    /** The largest body any route takes (the foreign trust material); the route's own bound is checked on reading. */
    public static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

    /** The scanner page's session cookie (HttpOnly: the page's scripts never see the secret or the token). */
    public static final String SCANNER_COOKIE = "checkpass_scanner";

    private final Authenticator authenticator;
    private final SessionTokens scannerSessions;
    private final int perClientLimit;
    private final BodyReader bodies;
    private final TrustedPeers trustedProxies;
    private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    /** Failed sign-ins a source address may make in {@link #FAILED_LOGIN_WINDOW} before it must wait. */
    static final int FAILED_LOGINS_BEFORE_THROTTLE = 20;

    static final Duration FAILED_LOGIN_WINDOW = Duration.ofMinutes(15);
    /**
     * Failed sign-ins per source address, counted from the first in a window. Secrets are 256-bit, so this is not
     * what stops a guess; it keeps a guesser from costing a hash per try forever, and puts it in the log.
     */
    private final Cache<String, AtomicInteger> failedLogins = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(FAILED_LOGIN_WINDOW)
            .build();

    /**
     * @param perClientLimit requests one client may have in flight at once, bodies still arriving included
     * @param bodies         reads bodies ahead of the route class's permit, within their deadline
     */
    public Guard(Authenticator authenticator, SessionTokens scannerSessions, int perClientLimit, BodyReader bodies) {
        this(authenticator, scannerSessions, perClientLimit, bodies, new TrustedPeers(List.of()));
    }

    /**
     * @param trustedProxies load balancers whose X-Forwarded-For names the client (docs/adr/0021): behind one, every
     *                       request comes from the balancer's address, and a throttle on that address would lock
     *                       every client out after twenty failed sign-ins by anyone
     */
    public Guard(
            Authenticator authenticator,
            SessionTokens scannerSessions,
            int perClientLimit,
            BodyReader bodies,
            TrustedPeers trustedProxies) {
        this.trustedProxies = trustedProxies;
        this.authenticator = authenticator;
        this.scannerSessions = scannerSessions;
        this.perClientLimit = perClientLimit;
        this.bodies = bodies;
    }

    /** A handler that needs the principal. */
    @FunctionalInterface
    public interface AuthenticatedHandler {
        void handle(Principal principal, ServerRequest req, ServerResponse res) throws Exception;
    }

    /** Requires any one of {@code roles}; for routes outside the route classes' bounds (metrics). */
    public Handler require(AuthenticatedHandler handler, Role... roles) {
        Set<Role> allowed = EnumSet.copyOf(Arrays.asList(roles));
        return (req, res) -> handler.handle(authorise(req, res, allowed), req, res);
    }

    /**
     * Requires any one of {@code roles}, then runs the handler within {@code routeClass}'s bound, in this order:
     * authenticate (401, 403), count the request against its client (429 past the per-client limit), read the body
     * in full (408 if it comes too slowly), and only then take a permit of the route class (503 if none is free).
     * So a client that sends slowly holds its own slot only, never a permit other clients need.
     */
    public Handler require(LoadShedder routeClass, AuthenticatedHandler handler, Role... roles) {
        Set<Role> allowed = EnumSet.copyOf(Arrays.asList(roles));
        return (req, res) -> {
            Principal principal = authorise(req, res, allowed);
            AtomicInteger mine = inFlight.computeIfAbsent(principal.clientId(), id -> new AtomicInteger());
            try {
                if (mine.incrementAndGet() > perClientLimit) {
                    res.header(HeaderNames.RETRY_AFTER, "1");
                    throw new ApiException(
                            429,
                            "client-concurrency",
                            "Too many requests in flight",
                            "client '" + principal.clientId() + "' already has " + perClientLimit
                                    + " requests in flight; wait for their answers",
                            Map.of("retryAfterSeconds", 1));
                }
                bodies.preRead(req, MAX_BODY_BYTES);
                routeClass.run(req, res, () -> handler.handle(principal, req, res));
            } finally {
                // The entry goes when its count does, so the map holds only clients with requests in flight.
                inFlight.computeIfPresent(
                        principal.clientId(), (id, count) -> count.decrementAndGet() == 0 ? null : count);
            }
        };
    }

    /** One cookie's value from the request's Cookie header. */
    static Optional<String> cookie(ServerRequest req, String name) {
        for (String header : req.headers().all(HeaderNames.COOKIE, List::of)) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).strip().equals(name)) {
                    return Optional.of(pair.substring(eq + 1).strip());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The client's address: the peer's, or, when the peer is a trusted proxy, the last X-Forwarded-For entry (the
     * one that proxy appended; entries before it are whatever the client claimed).
     */
    private String source(ServerRequest req) {
        if (!(req.remotePeer().address() instanceof InetSocketAddress inet)) {
            return String.valueOf(req.remotePeer().address());
        }
        if (!trustedProxies.isEmpty() && trustedProxies.contains(inet.getAddress())) {
            List<String> forwarded = req.headers().all(FORWARDED_FOR, List::of);
            if (!forwarded.isEmpty()) {
                String all = forwarded.getLast();
                String last = all.substring(all.lastIndexOf(',') + 1).strip();
                if (!last.isEmpty() && last.length() <= 45) {
                    return last;
                }
            }
        }
        return inet.getAddress().getHostAddress();
    }

    /**
     * Refuses (429) a source address that has failed {@link #FAILED_LOGINS_BEFORE_THROTTLE} sign-ins, or pairing
     * codes, in the window. Routes that take a guessable secret without authenticating (a pairing code) call it first.
     */
    public void refuseIfThrottled(ServerRequest req, ServerResponse res) {
        AtomicInteger failures = failedLogins.getIfPresent(source(req));
        if (failures != null && failures.get() >= FAILED_LOGINS_BEFORE_THROTTLE) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(FAILED_LOGIN_WINDOW.toSeconds()));
            throw new ApiException(
                    429,
                    "sign-in-throttled",
                    "Too many failed sign-ins",
                    FAILED_LOGINS_BEFORE_THROTTLE + " failed sign-ins came from this address; it may try again within "
                            + FAILED_LOGIN_WINDOW.toMinutes() + " minutes",
                    Map.of("retryAfterSeconds", FAILED_LOGIN_WINDOW.toSeconds()));
        }
    }

    /** Counts a failed sign-in (or a pairing code that paired nothing) against the request's source address. */
    public void countFailure(ServerRequest req) {
        countFailure(req, source(req));
    }

    private void countFailure(ServerRequest req, String source) {
        int count = failedLogins.get(source, s -> new AtomicInteger()).incrementAndGet();
        // The first failure and the one that throttles are worth a line each; the ones between would flood the log.
        if (count == 1 || count == FAILED_LOGINS_BEFORE_THROTTLE) {
            log.warn(
                    "failed sign-in from {} on {} {} ({} in this window{})",
                    source,
                    req.prologue().method().text(),
                    req.path().path(),
                    count,
                    count == FAILED_LOGINS_BEFORE_THROTTLE ? "; throttled" : "");
        }
    }

    private Principal authorise(ServerRequest req, ServerResponse res, Set<Role> allowed) {
        Optional<String> authorization = req.headers().first(HeaderNames.AUTHORIZATION);
        String source = source(req);
        refuseIfThrottled(req, res);
        var principal = authorization.isPresent()
                ? authenticator.authenticate(authorization)
                : cookie(req, SCANNER_COOKIE)
                        .flatMap(scannerSessions::subjectOf)
                        .flatMap(authenticator::bySession);
        if (principal.isEmpty() && authorization.isPresent()) {
            countFailure(req, source);
        }
        if (principal.isEmpty()) {
            // A browser that sees a Basic challenge opens its own password dialog and then sends what was typed with
            // every later request to this origin, pages and other sites' forms included. So no browser is challenged:
            // not our pages' fetch() (they mark their requests, as XMLHttpRequest-era pages did), not a browser sent
            // to an API URL (it asks for HTML). API clients (curl -u, scanner apps) are, as HTTP wants.
            boolean browser = req.headers().first(REQUESTED_WITH).isPresent()
                    || req.headers().first(HeaderNames.ACCEPT).orElse("").contains("text/html");
            if (!browser) {
                res.header(HeaderNames.WWW_AUTHENTICATE, "Basic realm=\"checkpass\", charset=\"UTF-8\"");
            }
            throw new ApiException(
                    401,
                    "unauthenticated",
                    "Authentication required",
                    "send HTTP Basic credentials of an API client (curl -u client-id:secret)");
        }
        if (allowed.stream().noneMatch(principal.get()::has)) {
            String names = allowed.stream().map(Role::id).collect(Collectors.joining(" or "));
            throw new ApiException(
                    403,
                    "forbidden",
                    "Not allowed",
                    "client '" + principal.get().clientId() + "' lacks the role " + names + " this route needs");
        }
        return principal.get();
    }
}
