package io.checkpass.bench.load.rush;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The centre as a cluster, through {@code scripts/cluster} (docs/operations.md, "Running the centre as a cluster"):
 * etcd, PostgreSQL under Patroni (a primary and a synchronous standby), HAProxy, and {@code nodes} centre nodes
 * running on this JVM's java and class path. The drill reaches the centre through HAProxy and each node's SIP port
 * directly (HAProxy balances TCP and HTTP; a trunk lists the nodes as its SIP targets).
 */
final class ClusterProcess {
    private final Path script;
    private final Path dir;
    private final int base;
    private final int nodes;
    private final java.util.Map<String, String> environment = new java.util.HashMap<>();

    ClusterProcess(Path repositoryRoot, Path dir, int base, int nodes) {
        this.script = repositoryRoot.resolve("scripts/cluster");
        this.dir = dir;
        this.base = base;
        this.nodes = nodes;
    }

    /** The repository this drill runs from: the one holding scripts/cluster, from the working directory up. */
    /** Environment for every centre node (configuration overrides such as CHECKPASS_LIMITS_ISSUANCE). */
    ClusterProcess environment(java.util.Map<String, String> variables) {
        environment.putAll(variables);
        return this;
    }

    static Path repositoryRoot() throws IOException {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve("scripts/cluster"))) {
                return p;
            }
        }
        throw new IOException("--cluster: scripts/cluster not found from "
                + Path.of("").toAbsolutePath() + "; run ./checkpass-bench from the repository");
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + (base + 1));
    }

    /** Each node's SIP port (UDP and TCP). */
    List<Integer> sipPorts() {
        List<Integer> ports = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            ports.add(base + 60 + i);
        }
        return ports;
    }

    /** The first node's data directory (its demo-credentials.json holds the demo clients' secrets). */
    Path firstNodeData() {
        return dir.resolve("node1");
    }

    /** The key directory every node shares. */
    Path keysDir() {
        return dir.resolve("keys");
    }

    void start(int demoPersons, String clockStart) throws IOException, InterruptedException {
        run(
                300,
                clockStart,
                "start",
                "--nodes",
                Integer.toString(nodes),
                "--demo",
                "--demo-persons",
                Integer.toString(demoPersons));
    }

    void killNode(int n) throws IOException, InterruptedException {
        run(30, null, "kill-node", Integer.toString(n));
    }

    void killPrimary() throws IOException, InterruptedException {
        run(30, null, "kill-primary");
    }

    void waitSync() throws IOException, InterruptedException {
        run(120, null, "wait-sync");
    }

    /** Restarts what was killed; restarted nodes carry the drill's clock on from {@code clockNow}. */
    void heal(String clockNow) throws IOException, InterruptedException {
        run(300, clockNow, "heal");
    }

    void stop() throws IOException, InterruptedException {
        run(120, null, "stop");
    }

    /** The schema owner, through HAProxy's PostgreSQL front. */
    Connection ownerConnection() throws IOException, SQLException {
        Properties secrets = new Properties();
        try (var in = Files.newBufferedReader(dir.resolve("secrets.env"))) {
            secrets.load(in);
        }
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + base + "/checkpass",
                "checkpass",
                secrets.getProperty("CHECKPASS_DATABASE_PASSWORD"));
    }

    private void run(int timeoutSeconds, String clockStart, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        var env = pb.environment();
        env.putAll(environment);
        env.put("CHECKPASS_CLUSTER_DIR", dir.toString());
        env.put("CHECKPASS_CLUSTER_PORT", Integer.toString(base));
        env.put("CHECKPASS_CLASSPATH", System.getProperty("java.class.path"));
        env.put("CHECKPASS_JAVA", ProcessHandle.current().info().command().orElse("java"));
        env.put("CHECKPASS_JAVA_OPTS", "-Xmx768m");
        if (clockStart != null) {
            env.put("CHECKPASS_SERVE_ARGS", "--clock-start " + clockStart);
        }
        Process p = pb.start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            out.lines().forEach(line -> System.out.println("  " + line));
        }
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("scripts/cluster " + String.join(" ", args) + " took over " + timeoutSeconds + " s");
        }
        if (p.exitValue() != 0) {
            throw new IOException("scripts/cluster " + String.join(" ", args) + " failed (exit " + p.exitValue()
                    + "); logs in " + dir.resolve("logs"));
        }
    }
}
