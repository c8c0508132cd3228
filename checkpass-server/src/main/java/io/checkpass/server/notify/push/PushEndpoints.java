package io.checkpass.server.notify.push;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which push-service URLs the centre will post to. A subscription's endpoint comes from a browser, so an unchecked
 * one would let anyone with a wallet make the centre send requests to an address of their choosing (an internal
 * service, say). Only the configured push services' hosts are taken ({@code push.endpoint-hosts}), over https; plain
 * http only to a loopback host listed there, for the test push service.
 */
public final class PushEndpoints {
    static final int MAX_LENGTH = 1024;

    private final List<String> hosts;

    public PushEndpoints(List<String> hosts) {
        this.hosts = hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    }

    /** The endpoint as a URI if the centre may post to it; otherwise why not, for the wallet provider. */
    public Result check(String endpoint) {
        if (endpoint == null || endpoint.isEmpty() || endpoint.length() > MAX_LENGTH) {
            return new Result.Refused("endpoint must be a push service URL of at most " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException e) {
            return new Result.Refused("endpoint is not a URL: " + e.getReason());
        }
        String host = Optional.ofNullable(uri.getHost())
                .map(h -> h.toLowerCase(Locale.ROOT))
                .orElse("");
        if (host.isEmpty() || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            return new Result.Refused("endpoint must be an absolute push service URL");
        }
        if (!allowed(host)) {
            return new Result.Refused("endpoint's host " + host + " is not a push service this centre sends to");
        }
        boolean https = "https".equals(uri.getScheme());
        if (!https && !("http".equals(uri.getScheme()) && loopback(host))) {
            return new Result.Refused("endpoint must be https");
        }
        return new Result.Allowed(uri);
    }

    private boolean allowed(String host) {
        for (String h : hosts) {
            if (h.startsWith("*.") ? host.endsWith(h.substring(1)) : host.equals(h)) {
                return true;
            }
        }
        return false;
    }

    private static boolean loopback(String host) {
        if (!host.equals("localhost") && !host.matches("[0-9.]+|\\[[0-9a-f:]+\\]")) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** Whether an endpoint may be used. */
    public sealed interface Result {
        record Allowed(URI endpoint) implements Result {}

        record Refused(String reason) implements Result {}
    }
}
