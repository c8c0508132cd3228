package io.checkpass.core.status;

import static io.checkpass.core.pass.PassStatus.*;

import io.checkpass.core.pass.PassStatus;
import io.checkpass.core.registry.HealthRecord;
import io.checkpass.core.rules.LocalizedText;
import io.checkpass.core.rules.MedicalRuleSet;
import io.checkpass.core.rules.MedicalRules;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Computes a person's pass status at an instant under the medical rules in force then. Stateless and thread-safe;
 * the instant comes from the caller's clock.
 *
 * <p>Every status a record gives is a window [from, until) computed from the rule set (see {@link StatusWindows}).
 * When several hold at the instant the choice is, in order (docs/medical-rules.md §5):
 * <ol>
 *   <li>MINOR, which never expires while the person is a minor;</li>
 *   <li>the window that ends last, an open-ended one last of all;</li>
 *   <li>on the same end, VACCINATED &gt; RECOVERED &gt; EXEMPT &gt; TESTED;</li>
 *   <li>on the same status too, the window that started first (then the reason's text, so that the order of the
 *   records never matters).</li>
 * </ol>
 * When none holds the status is UNVACCINATED from the instant, open-ended, and the explanation names what
 * expired and what is still to come.
 */
public final class StatusEngine {
    private static final List<PassStatus> RANK = List.of(MINOR, VACCINATED, RECOVERED, EXEMPT, TESTED);
    private static final Comparator<StatusWindow> PRECEDENCE = Comparator.comparing(
                    (StatusWindow w) -> w.status() != MINOR)
            .thenComparing(StatusWindow::end, Comparator.reverseOrder())
            .thenComparingInt(w -> RANK.indexOf(w.status()))
            .thenComparing(StatusWindow::from)
            .thenComparing(StatusWindow::tieBreak);

    private final Supplier<MedicalRules> rules;

    public StatusEngine(MedicalRules rules) {
        Objects.requireNonNull(rules, "rules");
        this.rules = () -> rules;
    }

    /**
     * An engine over rules that change at runtime (decrees published to a running centre): each decision reads the
     * rules in force once, from {@code rules}.
     */
    public StatusEngine(Supplier<MedicalRules> rules) {
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    /**
     * The status of {@code record}'s person at {@code at}.
     *
     * @return empty if no medical rule set is in force at {@code at} (before the first decree): there is nothing
     *     to decide by, and no pass should be issued
     */
    public Optional<StatusDecision> decide(HealthRecord record, Instant at) {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(at, "at");
        MedicalRules current = rules.get();
        return current.inForceAt(at).map(set -> decide(record, at, set, current));
    }

    /**
     * The status of a pass shown at the door, decided from the facts it proves (a foreign pass): as {@link #decide},
     * except that when no status holds (and the guidance week keeps none), the answer is the status still to come
     * (the earliest), else the one that ended last, with its window. The door then says "not valid yet" or "expired"
     * where a credential would state UNVACCINATED; {@link StatusDecision#statusAt} is UNVACCINATED either way.
     *
     * @return empty if no medical rule set is in force at {@code at}
     */
    public Optional<StatusDecision> decideAtDoor(HealthRecord record, Instant at) {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(at, "at");
        MedicalRules current = rules.get();
        return current.inForceAt(at).map(set -> {
            StatusWindows builder = new StatusWindows(current.zone(), set);
            List<StatusWindow> windows = builder.of(record);
            StatusDecision decided = decide(windows, builder, at, set, current);
            if (decided.status() != UNVACCINATED) {
                return decided;
            }
            Optional<StatusWindow> shown = windows.stream()
                    .filter(w -> w.status() != MINOR && w.startsAfter(at))
                    .min(Comparator.comparing(StatusWindow::from)
                            .thenComparingInt((StatusWindow w) -> RANK.indexOf(w.status()))
                            .thenComparing(StatusWindow::tieBreak))
                    .or(() -> windows.stream()
                            .filter(w -> w.status() != MINOR && w.endedBy(at))
                            .max(Comparator.comparing(StatusWindow::end).thenComparing(StatusWindow::tieBreak)));
            return shown.map(w -> new StatusDecision(
                            w.status(), w.from(), w.until(), set.id(), decided.explanation(), decided.nextChange()))
                    .orElse(decided);
        });
    }

    /**
     * When the next known medical rule set takes force after {@code at}, if one is known. A credential issued before
     * then states its status under the rules in force; it must not outlive them (the 3 Jan 2022 switch turned
     * open-ended vaccinations into 180-day ones).
     */
    public Optional<Instant> nextRulesChange(Instant at) {
        return rules.get().nextAfter(at).map(MedicalRuleSet::effectiveFrom);
    }

    private StatusDecision decide(HealthRecord record, Instant at, MedicalRuleSet set, MedicalRules rules) {
        StatusWindows builder = new StatusWindows(rules.zone(), set);
        return decide(builder.of(record), builder, at, set, rules);
    }

    private StatusDecision decide(
            List<StatusWindow> windows, StatusWindows builder, Instant at, MedicalRuleSet set, MedicalRules rules) {
        Optional<StatusWindow> chosen =
                windows.stream().filter(w -> w.holdsAt(at)).min(PRECEDENCE);
        Optional<Instant> nextChange = Stream.of(
                        chosen.flatMap(StatusWindow::until).stream(),
                        windows.stream().filter(w -> w.startsAfter(at)).map(StatusWindow::from),
                        rules.nextAfter(at).map(MedicalRuleSet::effectiveFrom).stream())
                .flatMap(s -> s)
                .min(Comparator.naturalOrder());
        if (chosen.isPresent()) {
            StatusWindow w = chosen.get();
            return new StatusDecision(w.status(), w.from(), w.until(), set.id(), w.reason(), nextChange);
        }
        Optional<Instant> guidanceUntil = set.validityGuidanceUntil().filter(at::isBefore);
        if (guidanceUntil.isPresent()) {
            // The validity guidance week: a lapsed vaccination is stated with its ended window, so the door can
            // tell it from no vaccination and the venue rules' guidance admits it with a notice.
            Optional<StatusWindow> lapsed = windows.stream()
                    .filter(w -> w.status() == VACCINATED && w.endedBy(at))
                    .max(Comparator.comparing(StatusWindow::end).thenComparing(StatusWindow::tieBreak));
            if (lapsed.isPresent()) {
                StatusWindow w = lapsed.get();
                Instant until = guidanceUntil.get();
                Optional<Instant> change =
                        Stream.concat(nextChange.stream(), Stream.of(until)).min(Comparator.naturalOrder());
                return new StatusDecision(
                        VACCINATED,
                        w.from(),
                        w.until(),
                        set.id(),
                        new LocalizedText(
                                "유효기간 만료 (계도기간: " + builder.firstMoment(until) + "부터 입장 제한): "
                                        + w.reason().ko(),
                                "validity ended (guidance period: refused from " + builder.firstMoment(until) + "): "
                                        + w.reason().en()),
                        change);
            }
        }
        return new StatusDecision(
                UNVACCINATED, at, Optional.empty(), set.id(), unvaccinated(windows, at, builder), nextChange);
    }

    /** Names the last status that expired (a minor's coming of age aside) and the first one still to come. */
    private static LocalizedText unvaccinated(List<StatusWindow> windows, Instant at, StatusWindows builder) {
        Optional<StatusWindow> expired = windows.stream()
                .filter(w -> w.status() != MINOR && w.endedBy(at))
                .max(Comparator.comparing(StatusWindow::end).thenComparing(StatusWindow::tieBreak));
        Optional<StatusWindow> pending = windows.stream()
                .filter(w -> w.startsAfter(at))
                .min(Comparator.comparing(StatusWindow::from)
                        .thenComparingInt((StatusWindow w) -> RANK.indexOf(w.status()))
                        .thenComparing(StatusWindow::tieBreak));
        if (expired.isEmpty() && pending.isEmpty()) {
            return new LocalizedText(
                    "인정되는 접종·검사·완치·예외 기록 없음", "no vaccination, test, recovery or exemption record that counts");
        }
        StringBuilder ko = new StringBuilder();
        StringBuilder en = new StringBuilder();
        expired.ifPresent(w -> {
            ko.append("만료: ").append(w.reason().ko());
            en.append("expired: ").append(w.reason().en());
        });
        pending.ifPresent(w -> {
            String from = builder.firstMoment(w.from());
            ko.append(ko.isEmpty() ? "" : "; ")
                    .append(w.status().korean())
                    .append(" 인정 예정 (")
                    .append(from)
                    .append("부터)");
            en.append(en.isEmpty() ? "" : "; ")
                    .append(w.status().english())
                    .append(" from ")
                    .append(from);
        });
        return new LocalizedText(ko.toString(), en.toString());
    }
}
