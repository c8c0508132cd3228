package io.checkpass.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.checkpass.server.sip.TrustedPeers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads the configuration in layers — built-in defaults, then {@code checkpass.yaml} (in the data directory, or
 * {@code --config}), then environment variables ({@code database.url} → {@code CHECKPASS_DATABASE_URL}), then
 * command-line options — and validates all of it before anything starts. Every problem is reported at once,
 * each naming the key, the value and what to do; an unknown key is an error, not silently ignored.
 */
public final class ConfigLoader {
    /** The browsers' push services (Chrome/FCM, Firefox, Edge/WNS, Safari): where real subscriptions point. */
    private static final List<String> DEFAULT_PUSH_HOSTS = List.of(
            "fcm.googleapis.com", "updates.push.services.mozilla.com", "*.notify.windows.com", "web.push.apple.com");

    /** Every key with its default ("" = none). Order is the documentation order. */
    private static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("server.host", "0.0.0.0");
        d.put("server.port", "8080");
        d.put("server.read-timeout", "PT10S");
        d.put("server.tls-cert", "");
        d.put("server.tls-key", "");
        d.put("data.dir", "./data");
        d.put("database.url", "");
        d.put("database.user", "checkpass");
        d.put("database.password", "");
        d.put("database.identity-user", "checkpass_identity");
        d.put("database.identity-password", "");
        d.put("database.visits-user", "checkpass_visits");
        d.put("database.visits-password", "");
        d.put("database.pool-size", "16");
        d.put("keys.dir", "");
        d.put("keys.store", "pkcs12");
        d.put("keys.pkcs11.library", "");
        d.put("keys.pkcs11.slot-list-index", "0");
        d.put("keys.pkcs11.pin-file", "");
        d.put("issuance.issuer-name", "KR");
        d.put("issuance.credential-lifetime", "PT48H");
        d.put("issuance.pre-issue-window", "PT24H");
        d.put("issuance.client-rate-per-second", "5000");
        d.put("issuance.person-devices-per-day", "5");
        d.put("limits.public", "256");
        d.put("limits.issuance", "64");
        d.put("limits.ingest", "4");
        d.put("limits.operator", "16");
        d.put("limits.retry-after-seconds", "2");
        d.put("limits.per-client", "64");
        d.put("visits.retention-days", "28");
        d.put("visits.fraud-window-minutes", "10");
        d.put("tracing.dwell-minutes", "60");
        d.put("sip.enabled", "true");
        d.put("sip.host", "127.0.0.1");
        d.put("sip.port", "5060");
        d.put("sip.trusted-peers", "");
        d.put("logging.format", "text");
        d.put("demo.wallet", "false");
        d.put("pages.test-hooks", "false");
        d.put("server.public-base-url", "");
        d.put("push.vapid-key", "");
        d.put("push.subject", "");
        d.put("push.endpoint-hosts", String.join(",", DEFAULT_PUSH_HOSTS));
        d.putAll(io.checkpass.server.notify.NotifyConfig.defaults()); // notify.*, sms.* (docs/operations.md)
        d.put("server.trusted-proxies", "");
        return d;
    }

    /** The environment variable holding the HSM user PIN; the PIN is never a configuration key. */
    public static final String PKCS11_PIN_ENV = "CHECKPASS_PKCS11_PIN";

    /** Keys whose values are secrets: from the environment only, never from a file. */
    private static final Set<String> PASSWORD_KEYS =
            Set.of("database.password", "database.identity-password", "database.visits-password", "sms.password");

    /** A PostgreSQL role name the centre creates or grants to: lower-case, so it needs no quoting. */
    private static final Pattern ROLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private ConfigLoader() {}

    /** The known keys and their defaults, for docs and error messages. */
    public static Map<String, String> knownKeys() {
        return DEFAULTS;
    }

    /** The environment variable that overrides a key. */
    public static String envName(String key) {
        return "CHECKPASS_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * Loads and validates.
     *
     * @param configFile   an explicit YAML file, or null to use {@code <data.dir>/checkpass.yaml} if it exists
     * @param environment  usually {@code System.getenv()}
     * @param overrides    command-line options by key (e.g. {@code server.port})
     * @throws ConfigException listing every problem
     */
    public static CheckpassConfig load(
            Path configFile, Map<String, String> environment, Map<String, String> overrides) {
        List<String> problems = new ArrayList<>();
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);

        // The data directory decides where the default config file is, so resolve it from the higher layers first.
        String dataDir = firstNonEmpty(
                overrides.get("data.dir"), environment.get(envName("data.dir")), DEFAULTS.get("data.dir"));
        Path file = configFile != null ? configFile : Path.of(dataDir).resolve("checkpass.yaml");
        if (configFile != null && !Files.isRegularFile(configFile)) {
            problems.add("config file " + configFile + " does not exist; fix the --config path");
        } else if (Files.isRegularFile(file)) {
            readYaml(file, values, problems);
        }
        for (String key : DEFAULTS.keySet()) {
            String env = environment.get(envName(key));
            if (env != null) {
                values.put(key, env);
            }
        }
        for (var entry : overrides.entrySet()) {
            if (entry.getValue() != null) {
                values.put(entry.getKey(), entry.getValue());
            }
        }
        CheckpassConfig config = build(values, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    /** HTTPS needs both PEM files or neither; each must be a readable file. Their contents are read at start. */
    private static Optional<CheckpassConfig.Tls> tls(String cert, String key, List<String> problems) {
        if (cert.isEmpty() && key.isEmpty()) {
            return Optional.empty();
        }
        if (cert.isEmpty() || key.isEmpty()) {
            problems.add("server.tls-cert and server.tls-key go together: give both PEM files (the certificate chain"
                    + " and its private key), or neither to serve plain HTTP behind a TLS proxy");
            return Optional.empty();
        }
        boolean readable = true;
        for (var entry : Map.of("server.tls-cert", cert, "server.tls-key", key).entrySet()) {
            if (!Files.isReadable(Path.of(entry.getValue()))) {
                problems.add(entry.getKey() + " = " + entry.getValue() + " is not a readable file; give the path of"
                        + " a PEM file (--tls-cert / --tls-key)");
                readable = false;
            }
        }
        return readable ? Optional.of(new CheckpassConfig.Tls(Path.of(cert), Path.of(key))) : Optional.empty();
    }

    private static Optional<String> optional(String value) {
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** One of the two login roles of the identity split: a plain role name, neither the owner nor the other role. */
    private static CheckpassConfig.Database.Role role(Map<String, String> v, String key, List<String> problems) {
        String user = v.get(key);
        if (!ROLE_NAME.matcher(user).matches()) {
            problems.add(key + " = '" + user + "' must be a PostgreSQL role name of a-z, 0-9 and _ (not starting with a"
                    + " digit, at most 63), e.g. " + DEFAULTS.get(key));
        } else if (user.equals(v.get("database.user")) || user.equals("postgres")) {
            problems.add(key + " = '" + user + "' must not be the schema owner (database.user) or postgres: the"
                    + " services connect with the least rights, the owner only migrates (docs/operations.md)");
        } else if (key.equals("database.visits-user") && user.equals(v.get("database.identity-user"))) {
            problems.add("database.visits-user must differ from database.identity-user (both are '" + user
                    + "'): the visits side must not read the identity side (docs/adr/0016)");
        }
        return new CheckpassConfig.Database.Role(key, user, optional(v.get(key.replace("-user", "-password"))));
    }

    private static String firstNonEmpty(String... values) {
        for (String v : values) {
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return "";
    }

    private static void readYaml(Path file, Map<String, String> values, List<String> problems) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            problems.add("config file " + file + " is not valid YAML: "
                    + e.getMessage().lines().findFirst().orElse(""));
            return;
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        flatten("", root, values, problems, file);
    }

    private static void flatten(
            String prefix, JsonNode node, Map<String, String> values, List<String> problems, Path file) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var field = it.next();
                flatten(
                        prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(),
                        field.getValue(),
                        values,
                        problems,
                        file);
            }
            return;
        }
        if (prefix.equals("keys.pkcs11.pin")) {
            problems.add(file + ": keys.pkcs11.pin must not be written in a file; set the environment variable "
                    + PKCS11_PIN_ENV + " or point keys.pkcs11.pin-file at a file only the centre can read");
            return;
        }
        if (!DEFAULTS.containsKey(prefix)) {
            problems.add(
                    file + ": unknown key '" + prefix + "'; known keys are " + String.join(", ", DEFAULTS.keySet()));
            return;
        }
        if (PASSWORD_KEYS.contains(prefix) && !node.asText().isEmpty()) {
            problems.add(file + ": " + prefix + " must not be written in a file; set " + envName(prefix) + " instead");
            return;
        }
        values.put(prefix, node.isNull() ? "" : node.asText());
    }

    private static CheckpassConfig build(Map<String, String> v, List<String> problems) {
        Path dataDir = Path.of(v.get("data.dir"));
        String keys = v.get("keys.dir");
        String url = v.get("database.url");
        if (!url.isEmpty() && !url.startsWith("jdbc:postgresql:")) {
            problems.add("database.url = '" + url
                    + "' is not a PostgreSQL JDBC URL; use jdbc:postgresql://host:5432/checkpass, "
                    + "or leave it empty for the embedded database");
        }
        String logFormat = v.get("logging.format");
        if (!logFormat.equals("text") && !logFormat.equals("json")) {
            problems.add("logging.format = '" + logFormat + "' must be text or json");
        }
        Duration lifetime = duration(v, "issuance.credential-lifetime", problems);
        if (lifetime != null
                && (lifetime.compareTo(CheckpassConfig.Issuance.MIN_CREDENTIAL_LIFETIME) < 0
                        || lifetime.compareTo(CheckpassConfig.Issuance.MAX_CREDENTIAL_LIFETIME) > 0)) {
            problems.add("issuance.credential-lifetime = " + lifetime
                    + " must be between PT1H and P7D: a credential lives hours to a few days, and wallets refresh it");
        }
        Duration preIssue = duration(v, "issuance.pre-issue-window", problems);
        if (preIssue != null && (preIssue.isNegative() || preIssue.compareTo(Duration.ofDays(7)) > 0)) {
            problems.add("issuance.pre-issue-window = " + preIssue
                    + " must be between PT0S (off) and P7D, e.g. PT24H: how long before a medical rule change wallets"
                    + " get the credential the coming rules decide");
        }
        Duration readTimeout = duration(v, "server.read-timeout", problems);
        if (readTimeout != null
                && (readTimeout.compareTo(Duration.ofSeconds(1)) < 0
                        || readTimeout.compareTo(Duration.ofMinutes(5)) > 0)) {
            problems.add("server.read-timeout = " + readTimeout + " must be between PT1S and PT5M, e.g. PT10S");
        }
        String issuerName = v.get("issuance.issuer-name");
        if (issuerName.isBlank() || issuerName.length() > 32) {
            problems.add("issuance.issuer-name must be 1..32 characters, e.g. KR");
        }
        Optional<CheckpassConfig.Tls> tls = tls(v.get("server.tls-cert"), v.get("server.tls-key"), problems);
        return new CheckpassConfig(
                new CheckpassConfig.Server(
                        v.get("server.host"), integer(v, "server.port", 0, 65535, problems), readTimeout, tls),
                dataDir,
                new CheckpassConfig.Database(
                        url.isEmpty() ? Optional.empty() : Optional.of(url),
                        v.get("database.user"),
                        optional(v.get("database.password")),
                        role(v, "database.identity-user", problems),
                        role(v, "database.visits-user", problems),
                        integer(v, "database.pool-size", 2, 500, problems)),
                keys.isEmpty() ? dataDir.resolve("keys") : Path.of(keys),
                pkcs11(v, problems),
                new CheckpassConfig.Issuance(
                        issuerName,
                        lifetime,
                        integer(v, "issuance.client-rate-per-second", 1, 1_000_000, problems),
                        integer(v, "issuance.person-devices-per-day", 1, 100, problems),
                        preIssue),
                new CheckpassConfig.Limits(
                        integer(v, "limits.public", 1, 100_000, problems),
                        integer(v, "limits.issuance", 1, 100_000, problems),
                        integer(v, "limits.ingest", 1, 100_000, problems),
                        integer(v, "limits.operator", 1, 100_000, problems),
                        integer(v, "limits.retry-after-seconds", 1, 3600, problems),
                        integer(v, "limits.per-client", 1, 100_000, problems)),
                new CheckpassConfig.Visits(
                        integer(v, "visits.retention-days", 1, 3650, problems),
                        integer(v, "visits.fraud-window-minutes", 1, 1440, problems),
                        integer(v, "tracing.dwell-minutes", 1, 720, problems)),
                new CheckpassConfig.Sip(
                        bool(v, "sip.enabled", problems),
                        v.get("sip.host"),
                        integer(v, "sip.port", 0, 65535, problems),
                        trustedPeers(v, problems)),
                new CheckpassConfig.Logging(logFormat.equals("json")),
                bool(v, "demo.wallet", problems),
                bool(v, "pages.test-hooks", problems),
                push(v, problems),
                publicBaseUrl(v.get("server.public-base-url"), problems),
                io.checkpass.server.notify.NotifyConfig.parse(v, problems),
                trustedProxies(v, problems));
    }

    private static TrustedPeers trustedProxies(Map<String, String> v, List<String> problems) {
        try {
            return TrustedPeers.parse(v.get("server.trusted-proxies"));
        } catch (IllegalArgumentException e) {
            problems.add("server.trusted-proxies: " + e.getMessage() + " (the load balancers' addresses, e.g."
                    + " 10.0.0.5, 10.0.1.0/28; set it in checkpass.yaml or " + envName("server.trusted-proxies") + ")");
            return new TrustedPeers(List.of());
        }
    }

    /** Web Push: off without a VAPID key; with one, the key file must exist and the subject be a contact URI. */
    private static CheckpassConfig.Push push(Map<String, String> v, List<String> problems) {
        String key = v.get("push.vapid-key").strip();
        String subject = v.get("push.subject").strip();
        List<String> hosts = java.util.Arrays.stream(
                        v.get("push.endpoint-hosts").split(","))
                .map(h -> h.strip().toLowerCase(Locale.ROOT))
                .filter(h -> !h.isEmpty())
                .toList();
        for (String host : hosts) {
            if (!host.matches("(\\*\\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?|\\[[0-9a-f:]+\\]")) {
                problems.add("push.endpoint-hosts: '" + host + "' is not a host name (e.g. fcm.googleapis.com or"
                        + " *.notify.windows.com)");
            }
        }
        if (!key.isEmpty()) {
            if (!Files.isRegularFile(Path.of(key))) {
                problems.add(
                        "push.vapid-key = '" + key + "' is not a file; make the key with 'checkpass push keys --out "
                                + key + "', or leave push.vapid-key empty to send no pushes");
            }
            if (!subject.startsWith("https://") && !(subject.startsWith("mailto:") && subject.contains("@"))) {
                problems.add("push.subject = '" + subject + "' must be the operator's contact, a mailto: or https: URI"
                        + " (e.g. mailto:push-ops@example.go.kr); push services write to it");
            }
            if (hosts.isEmpty()) {
                problems.add("push.endpoint-hosts is empty: list the push services' hosts wallets subscribe at");
            }
        }
        return new CheckpassConfig.Push(key.isEmpty() ? Optional.empty() : Optional.of(Path.of(key)), subject, hosts);
    }

    /**
     * The base of the links people open (the SMS proof links): an absolute https URL without query or fragment;
     * plain http only for a loopback host (a test or a demo on this machine).
     */
    private static Optional<java.net.URI> publicBaseUrl(String raw, List<String> problems) {
        String value = raw.strip();
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String fix = "server.public-base-url = '" + value + "' must be the https address people reach this centre at,"
                + " e.g. https://pass.example.go.kr (no query or fragment)";
        try {
            java.net.URI uri = new java.net.URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
            String host = uri.getHost();
            boolean loopback = "localhost".equals(host) || "127.0.0.1".equals(host) || "[::1]".equals(host);
            if (host == null
                    || uri.getRawQuery() != null
                    || uri.getRawFragment() != null
                    || uri.getRawUserInfo() != null
                    || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()) && loopback)) {
                problems.add(fix);
                return Optional.empty();
            }
            return Optional.of(uri);
        } catch (java.net.URISyntaxException e) {
            problems.add(fix);
            return Optional.empty();
        }
    }

    /**
     * Where the issuer and bundle keys live: the PKCS#12 file in the keys directory (the embedded default) or an HSM
     * through PKCS#11. The module must exist here; whether the PIN opens the token and the keys are on it is
     * checked when the keys are opened, still before the centre serves.
     */
    private static Optional<CheckpassConfig.Pkcs11> pkcs11(Map<String, String> v, List<String> problems) {
        String store = v.get("keys.store").strip().toLowerCase(Locale.ROOT);
        if (store.equals("pkcs12")) {
            return Optional.empty();
        }
        if (!store.equals("pkcs11")) {
            problems.add("keys.store = '" + v.get("keys.store") + "' must be pkcs12 (the key file in keys.dir) or"
                    + " pkcs11 (an HSM) (set it in checkpass.yaml or " + envName("keys.store") + ")");
            return Optional.empty();
        }
        String library = v.get("keys.pkcs11.library").strip();
        if (library.isEmpty()) {
            problems.add("keys.store = pkcs11 needs keys.pkcs11.library: the HSM's PKCS#11 module, e.g."
                    + " /usr/lib/softhsm/libsofthsm2.so for SoftHSM2 (set it in checkpass.yaml or "
                    + envName("keys.pkcs11.library") + ")");
        } else if (!Files.isRegularFile(Path.of(library))) {
            problems.add("keys.pkcs11.library = '" + library + "' does not exist; install the HSM vendor's PKCS#11"
                    + " module (SoftHSM2: apt-get install softhsm2) and give its path");
        }
        String pinFile = v.get("keys.pkcs11.pin-file").strip();
        if (!pinFile.isEmpty() && !Files.isRegularFile(Path.of(pinFile))) {
            problems.add("keys.pkcs11.pin-file = '" + pinFile + "' does not exist; write the token's user PIN there"
                    + " (readable only by the centre) or leave it empty and set " + PKCS11_PIN_ENV);
        }
        return Optional.of(new CheckpassConfig.Pkcs11(
                Path.of(library),
                integer(v, "keys.pkcs11.slot-list-index", 0, 1023, problems),
                pinFile.isEmpty() ? Optional.empty() : Optional.of(Path.of(pinFile))));
    }

    /**
     * The SIP trunk's addresses. An endpoint that listens beyond this machine must be told whom to believe: a
     * forged caller id from anywhere else would log a visit for any phone at any venue.
     */
    private static TrustedPeers trustedPeers(Map<String, String> v, List<String> problems) {
        TrustedPeers peers;
        try {
            peers = TrustedPeers.parse(v.get("sip.trusted-peers"));
        } catch (IllegalArgumentException e) {
            problems.add("sip.trusted-peers: " + e.getMessage() + " (set it in checkpass.yaml or "
                    + envName("sip.trusted-peers") + ")");
            return TrustedPeers.LOOPBACK;
        }
        if (!peers.isEmpty()) {
            return peers;
        }
        String host = v.get("sip.host");
        boolean loopback;
        try {
            loopback = InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            problems.add("sip.host = '" + host + "' is not an address of this machine");
            return TrustedPeers.LOOPBACK;
        }
        boolean enabled = Set.of("true", "yes", "on")
                .contains(v.get("sip.enabled").strip().toLowerCase(Locale.ROOT));
        if (!loopback && enabled) {
            problems.add(
                    "sip.trusted-peers is empty, but sip.host = '" + host + "' listens beyond this machine: list the"
                            + " SIP trunk's addresses (CIDRs, e.g. 203.0.113.0/24), or set sip.host: 127.0.0.1");
        }
        return TrustedPeers.LOOPBACK;
    }

    private static int integer(Map<String, String> v, String key, int min, int max, List<String> problems) {
        return parse(
                v,
                key,
                problems,
                s -> {
                    int n = Integer.parseInt(s.trim());
                    if (n < min || n > max) {
                        throw new IllegalArgumentException();
                    }
                    return n;
                },
                "an integer between " + min + " and " + max,
                min);
    }

    private static boolean bool(Map<String, String> v, String key, List<String> problems) {
        return parse(
                v,
                key,
                problems,
                s -> switch (s.trim().toLowerCase(Locale.ROOT)) {
                    case "true", "yes", "on" -> true;
                    case "false", "no", "off" -> false;
                    default -> throw new IllegalArgumentException();
                },
                "true or false",
                false);
    }

    private static Duration duration(Map<String, String> v, String key, List<String> problems) {
        return parse(v, key, problems, s -> Duration.parse(s.trim()), "an ISO-8601 duration such as PT48H", null);
    }

    private static <T> T parse(
            Map<String, String> v,
            String key,
            List<String> problems,
            Function<String, T> parser,
            String expected,
            T fallback) {
        String raw = v.get(key);
        try {
            return parser.apply(raw);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            problems.add(key + " = '" + raw + "' must be " + expected + " (set it in checkpass.yaml or " + envName(key)
                    + ")");
            return fallback;
        }
    }
}
