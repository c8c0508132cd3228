package io.checkpass.server.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkpass.core.crypto.Es256;
import io.checkpass.core.crypto.Pem;
import io.checkpass.core.trust.TrustBundleException;
import io.checkpass.core.trust.TrustBundles;
import io.checkpass.server.CheckpassServer;
import io.checkpass.server.auth.Role;
import io.checkpass.server.config.CheckpassConfig;
import io.checkpass.server.config.ConfigLoader;
import io.checkpass.server.keys.KeyVaults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A real centre for HTTP tests: the production composition root on port 0, a fresh PostgreSQL database, a
 * clock the test moves, and clients with known secrets. {@link #stop} and {@link #restart} take the centre down
 * and bring it back on the same port, database and keys, as an operator restarting it would.
 */
public final class TestCentre implements AutoCloseable {
    public static final Es256 ES256 = Es256.select();

    /**
     * System property naming where test centres keep their issuer and bundle keys: unset or {@code pkcs12} for a
     * fresh PKCS#12 file per centre, {@code softhsm} for this JVM's SoftHSM2 token (the issuance-on-softhsm run in
     * checkpass-server/pom.xml). A centre that comes up with its keys elsewhere fails the test.
     */
    public static final String KEYS_PROPERTY = "checkpass.test.keys";

    private static final ObjectMapper JSON = new ObjectMapper();

    public final MutableClock clock;
    /** The running centre; {@link #restart} replaces it. */
    public volatile CheckpassServer server;

    public final Path dataDir;
    private final Map<String, String> overrides;
    /** Where the centre answers, kept while it is stopped (a stopped server has no port). */
    private final URI base;

    private final HttpClient http = HttpClient.newBuilder().build();
    private final Map<String, String> secrets = new HashMap<>();

    public TestCentre(Instant start) {
        this(start, Map.of());
    }

    public TestCentre(Instant start, Map<String, String> configOverrides) {
        this(new MutableClock(start), configOverrides);
    }

    /** A centre on this clock, e.g. {@link MutableClock#ticking} for browser tests, which need real time. */
    public TestCentre(MutableClock clock, Map<String, String> configOverrides) {
        try {
            this.dataDir = Files.createTempDirectory("checkpass-centre");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> overrides = new HashMap<>(Map.of(
                "data.dir",
                dataDir.toString(),
                "server.port",
                "0",
                "server.host",
                "127.0.0.1",
                "database.url",
                configOverrides.getOrDefault("database.url", ""),
                "database.user",
                "postgres",
                "sip.port",
                "0"));
        overrides.putAll(configOverrides);
        if (overrides.get("database.url").isEmpty()) {
            overrides.put("database.url", SharedPostgres.newDatabase());
        }
        this.overrides = overrides;
        this.clock = clock;
        writeKeyConfig(dataDir);
        this.server = started(CheckpassServer.start(ConfigLoader.load(null, Map.of(), overrides), clock, ES256));
        // A restart must come back where clients (and browsers) last found it.
        overrides.put("server.port", Integer.toString(server.port()));
        this.base = server.baseUri();
    }

    /**
     * Another node of this centre, as a cluster runs it (docs/adr/0021): its own server, SIP port and data
     * directory, on the same database and the same keys, on the same clock. Close it before this one.
     */
    public TestCentre anotherNode() {
        Map<String, String> node = new HashMap<>(overrides);
        node.remove("data.dir");
        node.remove("server.port");
        node.put("keys.dir", server.config().keysDir().toString());
        return new TestCentre(clock, node);
    }

    /** Takes the centre down: HTTP stops answering, the database pool closes. */
    public void stop() {
        server.close();
    }

    /** Starts the centre again on the same port, database, data directory and keys. */
    public void restart() {
        server.close();
        CheckpassConfig config = ConfigLoader.load(null, Map.of(), overrides);
        server = started(CheckpassServer.start(config, clock, ES256));
    }

    /** Where this JVM's test centres keep their keys, from {@value #KEYS_PROPERTY}. */
    public static KeyVaults.Kind keyStore() {
        String store = System.getProperty(KEYS_PROPERTY, "pkcs12");
        return switch (store) {
            case "pkcs12" -> KeyVaults.Kind.PKCS12;
            case "softhsm" -> KeyVaults.Kind.PKCS11;
            default -> throw new IllegalArgumentException(KEYS_PROPERTY + "=" + store + ": use pkcs12 or softhsm");
        };
    }

    /**
     * With the keys in SoftHSM2, the data directory's {@code checkpass.yaml} says so, as an operator's would: CLI
     * commands run on this centre's data directory ({@code issue-ahead}) then sign with the token's keys as well.
     */
    private static void writeKeyConfig(Path dataDir) {
        if (keyStore() != KeyVaults.Kind.PKCS11) {
            return;
        }
        SoftHsm hsm = SoftHsm.token().withCentreKeys(ES256);
        StringBuilder yaml = new StringBuilder();
        hsm.centreConfig().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> yaml.append(e.getKey())
                        .append(": \"")
                        .append(e.getValue())
                        .append("\"\n"));
        try {
            Files.writeString(dataDir.resolve("checkpass.yaml"), yaml.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails the test if the centre's keys are not where {@value #KEYS_PROPERTY} put them: no silent fallback. */
    private static CheckpassServer started(CheckpassServer server) {
        var keys = server.centre().keys();
        if (keys.vaultKind() != keyStore()) {
            server.close();
            throw new AssertionError(KEYS_PROPERTY + " asks for " + keyStore() + " keys, but the centre signs with "
                    + keys.describeVault());
        }
        return server;
    }

    /** Creates a client with these roles; remembers its secret. */
    public String client(String id, Role... roles) {
        secrets.put(id, server.centre().apiClients().create(id, id, Set.of(roles)));
        return id;
    }

    /** The secret of a client this centre created, for a page's sign-in form. */
    public String secretOf(String clientId) {
        return secrets.get(clientId);
    }

    /** Remembers the secret of a client created elsewhere (e.g. a venue's scanner). */
    public String adopt(String clientId, String secret) {
        secrets.put(clientId, secret);
        return clientId;
    }

    public URI uri(String path) {
        return base.resolve(path);
    }

    public HttpResponse<String> get(String path, String clientId) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), clientId);
    }

    public HttpResponse<String> post(String path, String clientId, String json) {
        return send(
                HttpRequest.newBuilder(uri(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json)),
                clientId);
    }

    /**
     * Sends the request with the client's credentials. Every response is held to docs/api.yaml
     * ({@link ApiContract#check}): a status, content type or body the description does not declare fails the test.
     */
    public HttpResponse<String> send(HttpRequest.Builder request, String clientId) {
        HttpResponse<String> response = exchange(request, clientId);
        ApiContract.centre().check(response);
        return response;
    }

    public HttpResponse<String> getUndescribed(String path, String clientId) {
        return sendUndescribed(HttpRequest.newBuilder(uri(path)).GET(), clientId);
    }

    /**
     * For tests of what the centre does with a request the API does not have (a made-up path or method): asserts
     * that docs/api.yaml indeed does not describe it, and that the answer is a problem+json valid against its
     * Problem schema.
     */
    public HttpResponse<String> sendUndescribed(HttpRequest.Builder request, String clientId) {
        HttpRequest built = request.copy().build();
        ApiContract contract = ApiContract.centre();
        if (contract.describes(built.method(), built.uri().getRawPath())
                || ApiContract.outsideTheContract(built.uri().getRawPath())) {
            throw new AssertionError(
                    built.method() + " " + built.uri().getRawPath() + " is not undescribed: use send()");
        }
        HttpResponse<String> response = exchange(request, clientId);
        if (!response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
            throw new AssertionError("the answer to an undescribed route is not problem+json: " + response.statusCode()
                    + " " + response.body());
        }
        var errors = contract.schema("/components/schemas/Problem").validate(json(response));
        if (!errors.isEmpty()) {
            throw new AssertionError(
                    "the answer to an undescribed route is not a Problem: " + errors + " in " + response.body());
        }
        return response;
    }

    private HttpResponse<String> exchange(HttpRequest.Builder request, String clientId) {
        if (clientId != null) {
            request.header("Authorization", basic(clientId));
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String basic(String clientId) {
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString((clientId + ":" + secrets.get(clientId)).getBytes(StandardCharsets.UTF_8));
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    /** Downloads the bundle and opens it pinned to the anchor the server publishes, as a scanner does. */
    public TrustBundles.Opened bundle() {
        try {
            var anchor = Pem.readPublicKey(get("/api/v1/trust-anchor", null).body(), ES256);
            var response = http.send(
                    HttpRequest.newBuilder(uri("/api/v1/trust-bundle")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            ApiContract.centre().check(response);
            return TrustBundles.open(response.body(), Optional.of(anchor), ES256);
        } catch (IOException | TrustBundleException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the centre and deletes its data directory (keys, demo credentials): tests leave nothing in /tmp. */
    @Override
    public void close() {
        server.close();
        try (var paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
