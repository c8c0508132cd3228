package io.checkpass.server.cli;

import io.checkpass.core.pass.PassStatus;
import io.checkpass.server.CheckpassServer;
import io.checkpass.server.http.ApiException;
import io.checkpass.server.issuance.IssuanceService;
import io.checkpass.server.issuance.PassOrder;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "issue-ahead", mixinStandardHelpOptions = true, description = {"Pre-issue credentials for everyone eligible on a day.",
        "Run it before an enforcement day: one per known device, and a static pass. Wallets asking that day are served from the ledger."},
        footerHeading = CheckpassCli.EXAMPLES, footer = "  ./checkpass issue-ahead --date \"$(TZ=Asia/Seoul date -d tomorrow +%%F)\"")
final class IssueAheadCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    CentreOptions centre;

    @Option(names = "--date", required = true, description = "The day the credentials are for (KST), e.g. 2021-12-13.")
    LocalDate date;

    @Option(names = "--no-static", description = "Only device-bound credentials for known devices; no static passes.")
    boolean noStatic;

    IssueAheadCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (date.isBefore(LocalDate.ofInstant(context.clock().instant(), IssuanceService.KST))) {
            throw new CliException("--date " + date + " is in the past; pre-issuance is for today or a later day");
        }
        try (CheckpassServer.Offline offline = centre.open(context)) {
            var devices = offline.ledger().latestDeviceKeys();
            AtomicLong issued = new AtomicLong();
            AtomicLong eligible = new AtomicLong();
            AtomicLong skipped = new AtomicLong();
            try (ProgressBar bar = new ProgressBar(context.err(), "issue-ahead " + date, offline.registry().countPersons())) {
                offline.registry().forEach(record -> {
                    bar.step(1);
                    String personId = record.person().personId();
                    var decision = offline.statusEngine().decide(record, date.atStartOfDay(IssuanceService.KST).toInstant());
                    if (decision.isEmpty() || decision.get().status() == PassStatus.UNVACCINATED) {
                        skipped.incrementAndGet();
                        return;
                    }
                    eligible.incrementAndGet();
                    byte[] device = devices.get(personId);
                    try {
                        if (device != null) {
                            offline.issuance().issueAhead("issue-ahead", new PassOrder(personId, Optional.of(context.es256().publicKey(device))), date);
                            issued.incrementAndGet();
                        }
                        if (!noStatic) {
                            offline.issuance().issueAhead("issue-ahead", new PassOrder(personId, Optional.empty()), date);
                            issued.incrementAndGet();
                        }
                    } catch (ApiException e) {
                        context.err().println("person " + personId + ": " + e.getMessage());
                    }
                });
            }
            offline.audit().record("cli", "issue-ahead", "day:" + date,
                    Map.of("eligible", eligible.get(), "credentials", issued.get(), "notEligible", skipped.get()));
            context.out().println("issue-ahead " + date + ": " + eligible.get() + " persons eligible, " + issued.get()
                    + " credentials on record, " + skipped.get() + " not eligible");
        }
        return 0;
    }
}
