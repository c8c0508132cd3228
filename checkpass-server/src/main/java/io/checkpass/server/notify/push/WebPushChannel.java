package io.checkpass.server.notify.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.checkpass.server.notify.NotificationChannel;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Web Push to wallets (RFC 8030), as a {@link NotificationChannel}: a message's address is a subscription id; the
 * channel encrypts a small JSON payload for that browser (RFC 8291, {@link WebPushEncryption}), signs a VAPID JWT
 * for the push service (RFC 8292, {@link VapidKeys}) and posts it with the JDK's HttpClient, within timeouts and a
 * window of requests in flight.
 *
 * <p>The push service's answer decides the result: 2xx {@code Accepted} (its {@code Location}, the message's id
 * there, is the provider message id); 404 or 410, the browser dropped the subscription, which is removed here and
 * the message {@code Rejected}; 429 and 5xx, a timeout or a refused connection {@code RetryLater}; any other 4xx
 * {@code Rejected} (a payload or a VAPID key the service will never take).
 */
public final class WebPushChannel implements NotificationChannel {
    private static final Logger log = LoggerFactory.getLogger(WebPushChannel.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How long a push service keeps a message for a phone that is offline: a reminder is stale after a day. */
    static final Duration TIME_TO_LIVE = Duration.ofHours(24);

    private final PushSubscriptions subscriptions;
    private final VapidKeys vapid;
    private final WebPushEncryption encryption;
    private final Clock clock;
    private final Duration requestTimeout;
    private final HttpClient http;
    private final Semaphore window;

    /**
     * @param requestTimeout how long one push service may take to answer; past it the message is retried later
     * @param window         requests in flight at once; a message that finds no room within the timeout is retried
     */
    public WebPushChannel(
            PushSubscriptions subscriptions,
            VapidKeys vapid,
            WebPushEncryption encryption,
            Clock clock,
            Duration requestTimeout,
            int window) {
        this.subscriptions = subscriptions;
        this.vapid = vapid;
        this.encryption = encryption;
        this.clock = clock;
        this.requestTimeout = requestTimeout;
        this.window = new Semaphore(window);
        this.http = HttpClient.newBuilder()
                .connectTimeout(requestTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public Kind kind() {
        return Kind.PUSH;
    }

    @Override
    public SendResult send(Message message) {
        Optional<PushSubscription> found = subscriptions.find(message.address());
        if (found.isEmpty()) {
            return new SendResult.Rejected("no push subscription " + message.address() + " (removed)");
        }
        PushSubscription subscription = found.get();
        byte[] body = encryption.encrypt(
                payload(message, subscription.language()), subscription.p256dh(), subscription.auth());
        HttpRequest request = HttpRequest.newBuilder(subscription.endpoint())
                .timeout(requestTimeout)
                .header("Authorization", vapid.authorization(subscription.endpoint(), clock.instant()))
                .header("Content-Encoding", "aes128gcm")
                .header("Content-Type", "application/octet-stream")
                .header("TTL", Long.toString(TIME_TO_LIVE.toSeconds()))
                .header("Urgency", "normal")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            if (!window.tryAcquire(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return new SendResult.RetryLater("push window full");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SendResult.RetryLater("interrupted");
        }
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            return result(subscription, message, response);
        } catch (IOException e) {
            return new SendResult.RetryLater(
                    "push service " + subscription.endpoint().getHost() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SendResult.RetryLater("interrupted");
        } finally {
            window.release();
        }
    }

    private SendResult result(PushSubscription subscription, Message message, HttpResponse<Void> response) {
        int status = response.statusCode();
        String host = subscription.endpoint().getHost();
        if (status >= 200 && status < 300) {
            return new SendResult.Accepted(
                    response.headers().firstValue("Location").orElse("push-" + message.notificationId()));
        }
        if (status == 404 || status == 410) {
            subscriptions.remove("push-service", subscription.id(), host + " answered " + status);
            return new SendResult.Rejected("subscription gone (" + host + " answered " + status + "); removed");
        }
        if (status == 429 || status >= 500) {
            String retryAfter = response.headers()
                    .firstValue("Retry-After")
                    .map(s -> ", Retry-After " + s)
                    .orElse("");
            return new SendResult.RetryLater(host + " answered " + status + retryAfter);
        }
        if (status == 401 || status == 403) {
            // Our VAPID key or JWT, not the subscription: every message to this service fails alike until it is fixed.
            log.error(
                    "push service {} refused this centre's VAPID authorisation ({}): check push.vapid-key",
                    host,
                    status);
        }
        return new SendResult.Rejected(host + " refused the message (" + status + ")");
    }

    /**
     * What the wallet's service worker shows: the title, the body, the link and the language, as JSON. A body too long
     * for one push record is cut, with an ellipsis, rather than not sent.
     */
    static byte[] payload(Message message, Locale fallback) {
        Locale locale = message.locale() != null ? message.locale() : fallback;
        String body = message.body();
        while (true) {
            ObjectNode json = JSON.createObjectNode()
                    .put("id", message.notificationId())
                    .put("lang", locale.getLanguage().equals("en") ? "en" : "ko")
                    .put("title", message.title())
                    .put("body", body);
            if (message.link() != null) {
                json.put("link", message.link());
            }
            byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
            if (bytes.length <= WebPushEncryption.MAX_PLAINTEXT_BYTES || body.isEmpty()) {
                return bytes;
            }
            int codePoints = body.codePointCount(0, body.length());
            body = codePoints <= 2 ? "" : body.substring(0, body.offsetByCodePoints(0, codePoints * 9 / 10 - 1)) + "…";
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
