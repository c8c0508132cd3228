package io.checkpass.server.notify.push;

import java.net.URI;
import java.util.Locale;

/**
 * A wallet's Web Push subscription: where its push service takes messages for it, and the browser's keys.
 *
 * @param id       the subscription's id in the centre, a PUSH address of the outbox
 * @param personId whose wallet subscribed
 * @param endpoint the push service's URL for this browser (a capability: whoever knows it may post to it)
 * @param p256dh   the browser's P-256 key, 65 bytes uncompressed
 * @param auth     the browser's 16-byte auth secret
 * @param language the wallet's language when it subscribed, for messages rendered without one
 */
public record PushSubscription(String id, String personId, URI endpoint, byte[] p256dh, byte[] auth, Locale language) {}
