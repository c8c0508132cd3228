package io.checkpass.bench.load;

import io.checkpass.core.crypto.Es256;
import io.checkpass.server.CheckpassServer;
import io.checkpass.server.config.ConfigLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The real centre, started in this JVM on a temporary data directory (embedded PostgreSQL), for load drivers. The
 * environment configures it as it would {@code checkpass serve} (e.g. {@code CHECKPASS_KEYS_STORE=pkcs11} for the
 * keys in an HSM, docs/PERFORMANCE.md "HSM signing"); the driver's own settings win.
 */
final class InProcessCentre implements AutoCloseable {
    final Es256 es256 = Es256.select();
    final CheckpassServer server;

    InProcessCentre(Map<String, String> config) throws IOException {
        this(config, Clock.systemUTC());
    }

    /** As {@link #InProcessCentre(Map)}, on {@code clock} (a scenario that happens on a given night). */
    InProcessCentre(Map<String, String> config, Clock clock) throws IOException {
        Map<String, String> overrides = new HashMap<>(Map.of(
                "data.dir", Files.createTempDirectory("checkpass-load").toString(),
                "server.port", "0",
                "server.host", "127.0.0.1",
                "sip.enabled", "false"));
        overrides.putAll(config);
        server = CheckpassServer.start(ConfigLoader.load(null, System.getenv(), overrides), clock, es256);
    }

    static String basic(String clientId, String secret) {
        return "Basic "
                + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.close();
    }
}
