package io.checkpass.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.server.db.SqlStates;
import io.checkpass.server.refusal.Refusal;
import io.checkpass.server.refusal.Refused;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place that turns failures into RFC 9457 {@code application/problem+json} responses. */
public final class Problems {
    private static final Logger log = LoggerFactory.getLogger(Problems.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_BASE = "https://checkpass.kr/problems/";

    private Problems() {}

    /** The HTTP answer to each domain refusal: the only place a refusal becomes a status code. */
    public static ApiException of(Refusal refusal) {
        String detail = refusal.detail();
        return switch (refusal) {
            case Refusal.ClientRateLimited r ->
                new ApiException(
                        429,
                        "client-rate-limited",
                        "Too many requests",
                        detail,
                        Map.of("retryAfterSeconds", r.retryAfterSeconds()));
            case Refusal.UnknownPerson r -> ApiException.notFound("unknown-person", detail);
            case Refusal.DeviceLimitReached r ->
                new ApiException(
                        429,
                        "person-device-limit",
                        "Too many devices today",
                        detail,
                        Map.of("retryAfterSeconds", r.retryAfterSeconds()));
            case Refusal.NoRulesInForce r ->
                new ApiException(409, "no-rules-in-force", "No medical rules in force", detail);
            case Refusal.NothingToRevoke r -> ApiException.notFound("nothing-to-revoke", detail);
            case Refusal.ScannerExists r -> new ApiException(409, "scanner-exists", "Scanner exists", detail);
            case Refusal.UnknownVenueType r -> ApiException.badRequest(detail);
            case Refusal.PersonRevoked r -> new ApiException(403, "revoked", "Revoked", detail);
            case Refusal.NotRevoked r -> ApiException.notFound("not-revoked", detail);
            case Refusal.RulesRejected r -> new ApiException(422, "rules-rejected", "Rules rejected", detail);
            case Refusal.UnknownVenue r -> ApiException.notFound("unknown-venue", detail);
            case Refusal.PairingCodeInvalid r -> ApiException.notFound("pairing-code-invalid", detail);
            case Refusal.ClientExists r -> new ApiException(409, "client-exists", "Client exists", detail);
            case Refusal.UnknownClient r -> ApiException.notFound("unknown-client", detail);
            case Refusal.ClientRejected r -> new ApiException(422, "client-rejected", "Client rejected", detail);
            case Refusal.AlreadyInitialised r ->
                new ApiException(409, "already-initialised", "Centre already initialised", detail);
            case Refusal.OutOfDistrict r -> new ApiException(403, "out-of-district", "Outside your district", detail);
            case Refusal.NoDistrict r -> new ApiException(403, "no-district", "No district assigned", detail);
            case Refusal.UnknownViolation r -> ApiException.notFound("unknown-violation", detail);
            case Refusal.AlreadyVoided r -> new ApiException(409, "already-voided", "Already voided", detail);
            case Refusal.NoScheduleInForce r ->
                new ApiException(409, "no-schedule-in-force", "No sanction schedule in force", detail);
        };
    }

    /** Sends a service's refusal; a 429 also says when to retry in {@code Retry-After}. */
    public static void send(ServerRequest req, ServerResponse res, Refused refused) {
        ApiException problem = of(refused.refusal());
        if (problem.extensions().get("retryAfterSeconds") instanceof Long seconds) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(seconds));
        }
        send(req, res, problem);
    }

    /** Connection failures, shutdowns and transaction conflicts ({@link SqlStates#isRetryable}), pool timeouts, full write queues. */
    static boolean storageUnavailable(Throwable t) {
        for (Throwable cause = t; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException
                    || cause instanceof ConnectException
                    || cause instanceof RejectedExecutionException) { // a full group-commit queue
                return true;
            }
            if (cause instanceof SQLException sql && SqlStates.isRetryable(sql)) {
                return true;
            }
        }
        return false;
    }

    public static void send(ServerRequest req, ServerResponse res, ApiException e) {
        ObjectNode body = JSON.createObjectNode()
                .put("type", TYPE_BASE + e.type())
                .put("title", e.title())
                .put("status", e.status())
                .put("detail", e.getMessage())
                .put("instance", req.path().path());
        e.extensions().forEach((k, v) -> body.set(k, JSON.valueToTree(v)));
        res.status(Status.create(e.status()));
        res.header(HeaderNames.CONTENT_TYPE, MEDIA_TYPE);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        try {
            res.send(body.toString().getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException failure) {
            if (!clientGone(failure)) {
                throw failure;
            }
            // The client hung up (or was cut off for sending too slowly): nobody is left to read the problem, and it
            // is no failure of ours to log.
            log.debug(
                    "{} {}: client gone before its {} was sent",
                    req.prologue().method().text(),
                    req.path().path(),
                    e.status());
        }
    }

    private static boolean clientGone(Throwable t) {
        for (Throwable cause = t; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Anything that is not an {@link ApiException}: the database being unreachable or overloaded is a 503 the
     * client retries after {@code Retry-After} (nothing was stored, nothing is lost); the rest is our fault, logged
     * with context and answered 500 without details.
     */
    public static void sendUnexpected(ServerRequest req, ServerResponse res, Throwable t) {
        if (storageUnavailable(t)) {
            log.warn(
                    "database unavailable on {} {}: {}",
                    req.prologue().method().text(),
                    req.path().path(),
                    t.getMessage());
            if (!res.isSent()) {
                res.header(HeaderNames.RETRY_AFTER, "5");
                send(
                        req,
                        res,
                        new ApiException(
                                503,
                                "storage-unavailable",
                                "Storage unavailable",
                                "the centre's database is unavailable; nothing was stored. Retry after 5 s.",
                                Map.of("retryAfterSeconds", 5)));
            }
            return;
        }
        log.error(
                "unexpected failure on {} {}",
                req.prologue().method().text(),
                req.path().path(),
                t);
        if (!res.isSent()) {
            send(
                    req,
                    res,
                    new ApiException(
                            500,
                            "internal",
                            "Internal error",
                            "the server failed; the failure is logged. Retry later; nothing you sent was half-stored."));
        }
    }
}
