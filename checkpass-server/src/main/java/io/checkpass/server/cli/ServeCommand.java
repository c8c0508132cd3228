package io.checkpass.server.cli;

import io.checkpass.server.CheckpassServer;
import io.checkpass.server.LogSetup;
import io.checkpass.server.auth.Role;
import io.checkpass.server.config.CheckpassConfig;
import io.checkpass.server.demo.DemoSeeder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Run the centre: registry, issuance, trust bundle (HTTP). Embedded PostgreSQL unless --db-url.",
            "Stops on Ctrl-C or SIGTERM."
        },
        footerHeading = CheckpassCli.EXAMPLES,
        footer = {
            "  # a demo registry, venues and API clients; prints curl examples",
            "  ./checkpass serve --demo",
            "  # replay the pass era: the pages get the clock offset they need",
            "  ./checkpass serve --demo --clock-start 2022-01-20T11:55:00+09:00",
            "  # another data directory, on free ports (printed at start)",
            "  ./checkpass serve --data /tmp/checkpass-data --port 0 --sip-port 0",
            "  # HTTPS and HTTP/2 on 8443 with a PEM certificate and key",
            "  ./checkpass serve --port 8443 --tls-cert chain.pem --tls-key key.pem"
        })
final class ServeCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    CentreOptions centre;

    @Option(names = "--port", paramLabel = "N", description = "HTTP port (default 8080; 0 picks a free one).")
    Integer port;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Interface to listen on (default 0.0.0.0).")
    String host;

    @Option(
            names = "--sip-port",
            paramLabel = "N",
            description = "안심콜 SIP port, UDP and TCP (default 5060; 0 picks a free one).")
    Integer sipPort;

    @Option(
            names = "--tls-cert",
            paramLabel = "PEM",
            description = "Serve HTTPS (and HTTP/2) with this PEM certificate chain; needs --tls-key.")
    Path tlsCert;

    @Option(
            names = "--tls-key",
            paramLabel = "PEM",
            description = "The unencrypted PKCS#8 PEM private key of --tls-cert (keep it 0600).")
    Path tlsKey;

    @Option(
            names = "--demo",
            description = "Seed a demo registry and demo API clients; write DATA/demo-credentials.json.")
    boolean demo;

    @Option(
            names = "--demo-sms",
            description = "With --demo: send notifications by SMS to an in-process test SMSC (nothing reaches a phone);"
                    + " docs/operations.md, \"Notifications\".")
    boolean demoSms;

    @Option(
            names = "--demo-persons",
            defaultValue = "5000",
            paramLabel = "N",
            description = "Persons in the demo registry (default ${DEFAULT-VALUE}).")
    int demoPersons;

    @Option(
            names = "--clock-start",
            paramLabel = "T",
            description =
                    "Run the server's clock from this instant on (e.g. 2021-12-13T11:55:00+09:00), to replay the pass era.")
    Instant clockStart;

    ServeCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Map<String, String> overrides = new HashMap<>();
        if (port != null) {
            overrides.put("server.port", port.toString());
        }
        if (host != null) {
            overrides.put("server.host", host);
        }
        if (sipPort != null) {
            overrides.put("sip.port", sipPort.toString());
        }
        if (tlsCert != null) {
            overrides.put("server.tls-cert", tlsCert.toString());
        }
        if (tlsKey != null) {
            overrides.put("server.tls-key", tlsKey.toString());
        }
        if (demo) {
            overrides.put("demo.wallet", "true");
        }
        if (demo && demoSms) {
            overrides.putIfAbsent("notify.enabled", "true");
            overrides.putIfAbsent("sms.enabled", "true");
            overrides.putIfAbsent("sms.in-process", "true");
            overrides.putIfAbsent("sms.port", "0");
            overrides.putIfAbsent("sms.source-address", "1339");
        }
        if (demo || clockStart != null) {
            overrides.put("pages.test-hooks", "true");
        }
        CheckpassConfig cfg = centre.config(overrides);
        LogSetup.forServer(cfg.logging().json());
        Clock clock = clockStart == null
                ? context.clock()
                : Clock.offset(context.clock(), Duration.between(context.clock().instant(), clockStart));
        CheckpassServer server = CheckpassServer.start(cfg, clock, context.es256());
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    server.close();
                    stopped.countDown();
                },
                "checkpass-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return serve(server, cfg, stopped, clock);
        } finally {
            // Reached when the serving thread is interrupted (tests); on SIGTERM the hook has closed it already.
            server.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already running the hook
            }
        }
    }

    private static boolean noEnabledAdmin(CheckpassServer server) {
        return server.centre().clientAdministration().list().stream()
                .noneMatch(c -> !c.disabled() && c.roles().contains(Role.ISSUER_ADMIN));
    }

    private int serve(CheckpassServer server, CheckpassConfig cfg, CountDownLatch stopped, Clock clock)
            throws IOException, InterruptedException {
        String base = server.baseUri().toString();
        context.out().println("checkpass serving at " + base);
        server.sipPort().ifPresent(p -> context.out().println("안심콜 SIP endpoint on port " + p + " (UDP and TCP)"));
        if (!demo && noEnabledAdmin(server)) {
            context.out()
                    .println("이 센터에는 아직 관리자가 없습니다. / This centre has no issuer-admin yet: run"
                            + " './checkpass admin init --data " + cfg.dataDir()
                            + "' on this machine (docs/operations.md).");
        }
        if (demo) {
            var seeded = new DemoSeeder(
                            server.centre().registry(),
                            server.centre().clientAdministration(),
                            server.centre().venues())
                    .seed(demoPersons, cfg.dataDir());
            context.out()
                    .println("demo: " + seeded.persons() + " persons D000001..D" + "%06d".formatted(seeded.persons())
                            + "; API client secrets in " + seeded.credentialsFile());
            context.out().println("demo venues venue-01..venue-10 take 안심콜 calls on 0800000001..0800000010");
            server.notifications()
                    .smsc()
                    .ifPresent(smsc -> context.out()
                            .println("demo SMS: notifications go to an in-process test SMSC on port " + smsc.port()
                                    + " (the console's Notifications tab counts them)"));
            String holder = server.centre()
                    .registry()
                    .find("D000001")
                    .map(r -> "D000001, born " + r.person().birthDate())
                    .orElse("D000001");
            long offset =
                    Duration.between(context.clock().instant(), clock.instant()).toSeconds();
            DemoExamples.print(
                    context.out(),
                    base,
                    seeded.secrets(),
                    server.centre().bundles().current().etag(),
                    clock,
                    holder,
                    offset);
        }
        context.out().flush();
        stopped.await();
        return 0;
    }
}
