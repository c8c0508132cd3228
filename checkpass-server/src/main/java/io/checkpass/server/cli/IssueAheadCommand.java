package io.checkpass.server.cli;

import static io.checkpass.core.time.KoreaTime.KST;

import io.checkpass.server.CentreServices;
import io.checkpass.server.issuance.IssuanceService;
import io.checkpass.server.refusal.Refusal;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "issue-ahead",
        mixinStandardHelpOptions = true,
        description = {
            "Pre-issue credentials for everyone eligible on a day, or for every known device before a medical rule change.",
            "Run it before an enforcement day: one per known device, and a static pass. Wallets asking that day are served from the ledger.",
            "With --rule-change, the day is the one the next published medical rules take force, and every known device gets the credential those rules decide, so that the change does not send every wallet to the centre at once."
        },
        footerHeading = CheckpassCli.EXAMPLES,
        footer = {
            "  ./checkpass issue-ahead --date \"$(TZ=Asia/Seoul date -d tomorrow +%%F)\"",
            "  ./checkpass issue-ahead --rule-change"
        })
final class IssueAheadCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    CentreOptions centre;

    @Option(names = "--date", description = "The day the credentials are for (KST), e.g. 2021-12-13.")
    LocalDate date;

    @Option(
            names = "--rule-change",
            description = "The day the next published medical rules take force, for every person with a known device.")
    boolean ruleChange;

    @Option(names = "--no-static", description = "Only device-bound credentials for known devices; no static passes.")
    boolean noStatic;

    IssueAheadCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if ((date == null) == !ruleChange) {
            throw new CliException("give --date DAY or --rule-change (not both)");
        }
        if (date != null && date.isBefore(LocalDate.ofInstant(context.clock().instant(), KST))) {
            throw new CliException("--date " + date + " is in the past; pre-issuance is for today or a later day");
        }
        try (CentreServices services = centre.open(context)) {
            if (ruleChange) {
                date = services.statusEngine()
                        .nextRulesChange(context.clock().instant())
                        .map(change -> LocalDate.ofInstant(change, KST))
                        .orElseThrow(
                                () -> new CliException(
                                        "no medical rule change is published after now; publish one with checkpass rules publish"));
            }
            IssuanceService.AheadScope scope =
                    ruleChange ? IssuanceService.AheadScope.KNOWN_DEVICES : IssuanceService.AheadScope.ELIGIBLE;
            IssuanceService.AheadSummary summary;
            try (ProgressBar bar = new ProgressBar(
                    context.err(), "issue-ahead " + date, services.registry().countPersons())) {
                summary = services.issuance()
                        .issueAheadForAll("issue-ahead", date, scope, !noStatic, new IssuanceService.AheadProgress() {
                            @Override
                            public void person(String personId) {
                                bar.step(1);
                            }

                            @Override
                            public void refused(String personId, Refusal refusal) {
                                context.err().println("person " + personId + ": " + refusal.detail());
                            }
                        });
            }
            services.audit()
                    .record(
                            "cli",
                            "issue-ahead",
                            "day:" + date,
                            Map.of(
                                    "eligible",
                                    summary.eligible(),
                                    "credentials",
                                    summary.credentials(),
                                    "notEligible",
                                    summary.notEligible()));
            context.out()
                    .println("issue-ahead " + date + ": " + summary.eligible() + " persons eligible, "
                            + summary.credentials() + " credentials on record, " + summary.notEligible()
                            + " not eligible");
        }
        return 0;
    }
}
