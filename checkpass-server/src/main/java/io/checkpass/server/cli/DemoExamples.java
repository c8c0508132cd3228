package io.checkpass.server.cli;

import io.checkpass.server.visits.Uuid7;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * The curl examples {@code serve --demo} prints. Each example is one line starting with {@code curl}, so tests
 * (and people) can run them as printed.
 */
final class DemoExamples {
    private DemoExamples() {}

    /**
     * @param holder            a demo person and birth date for the wallet's demo sign-in
     * @param clockOffsetSeconds how far the centre's clock runs from real time ({@code --clock-start}); the pages take it
     *                           as {@code ?clockOffset=}
     */
    static void print(
            PrintStream out,
            String base,
            Map<String, String> secrets,
            String etag,
            Clock clock,
            String holder,
            long clockOffsetSeconds) {
        String scanner = "scanner-venue-01:" + secrets.getOrDefault("scanner-venue-01", "SECRET");
        String wallet = "wallet-demo:" + secrets.getOrDefault("wallet-demo", "SECRET");
        String admin = "admin-demo:" + secrets.getOrDefault("admin-demo", "SECRET");
        String auditor = "auditor-demo:" + secrets.getOrDefault("auditor-demo", "SECRET");
        String monitor = "monitor-demo:" + secrets.getOrDefault("monitor-demo", "SECRET");
        out.println();
        out.println("Try it:");
        out.println("# the public, signed trust bundle (the only thing scanners download), and 304 when unchanged");
        out.println("curl -sS -o bundle.cose -D - " + base + "/api/v1/trust-bundle");
        out.println("curl -sS -o /dev/null -w '%{http_code}\\n' -H 'If-None-Match: " + etag + "' " + base
                + "/api/v1/trust-bundle");
        out.println("# issuance needs a wallet provider's credentials: 401 without");
        out.println("curl -sS -o /dev/null -w '%{http_code}\\n' -X POST " + base + "/api/v1/passes");
        out.println("# a static (paper) pass for demo person D000001, as a wallet provider");
        out.println("curl -sS -u " + wallet
                + " -H 'Content-Type: application/json' -d '{\"personId\":\"D000001\",\"static\":true}' " + base
                + "/api/v1/passes");
        out.println("# what the registry says about D000001 now (operators)");
        out.println("curl -sS -u " + admin + " " + base + "/api/v1/persons/D000001");
        out.println("# revoke D000001's credentials; the next bundle lists them");
        out.println("curl -sS -u " + admin
                + " -H 'Content-Type: application/json' -d '{\"personId\":\"D000001\",\"reason\":\"demo revocation\"}' "
                + base + "/api/v1/revocations");
        out.println(
                "# a venue's scanner uploads a manual entry (staff checked a paper certificate); 202 once it is committed");
        out.println("curl -sS -u " + scanner + " -H 'Content-Type: application/json' -d '{\"checkins\":[{\"id\":\""
                + Uuid7.next(clock)
                + "\",\"channel\":\"MANUAL\",\"contact\":{\"phone\":\"010-0000-0001\",\"name\":\"홍길동\"},"
                + "\"checkMethod\":\"paper_certificate\",\"scannedAt\":\"" + clock.instant() + "\"}]}' " + base
                + "/api/v1/checkins");
        out.println("# venues and their 안심콜 numbers");
        out.println("curl -sS -u " + admin + " " + base + "/api/v1/venues");
        out.println("# the audit log, and Prometheus metrics");
        out.println("curl -sS -u " + auditor + " " + base + "/api/v1/audit");
        out.println("curl -sS -u " + monitor + " " + base + "/metrics");
        String query = clockOffsetSeconds == 0 ? "" : "?clockOffset=" + clockOffsetSeconds;
        out.println("# the pages, in a browser (on the centre's clock"
                + (clockOffsetSeconds == 0 ? "" : ", " + clockOffsetSeconds + " s from real time") + "):");
        out.println("#   wallet   " + base + "/wallet/" + query + "   demo sign-in: " + holder);
        out.println("#   scanner  " + base + "/scanner/" + query + "   sign in as " + scanner.replaceFirst(":", " / "));
        out.println("#   console  " + base
                + "/console/   sign in as tracer-demo, admin-demo or auditor-demo (secrets in demo-credentials.json)");
        out.println("curl -sS -o /dev/null -w '%{http_code}\\n' " + base + "/scanner/");
        out.println("# the API description");
        out.println("curl -sS " + base + "/api/openapi.yaml");
    }
}
