package io.checkpass.server.notify;

import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The outbox's policies (docs/operations.md, "Notifications"), validated at start-up; an error names the key.
 *
 * @param enabled             whether the centre runs the scheduler and the dispatcher at all
 * @param quietHours          no reminders, booster notices or broadcasts between these local (Asia/Seoul) times
 * @param dailyCap            at most this many capped notifications per person and channel per local day
 * @param maxAttempts         after this many failed attempts a notification is dead (the dead letter)
 * @param retryBase           the first retry waits this long; each further one twice as long
 * @param retryMax            no retry waits longer than this
 * @param reminderDays        the expiry reminders, in days before a status ends (e.g. 14, 7, 1)
 * @param boosterIntervalDays a booster is due this many days after the last dose of a vaccination that will expire
 * @param labResultWindow     the scheduler's sweep makes sure every lab result posted with a result time within this
 *                            window has its notification (the durable follow-up of the lab route's hook)
 * @param batchSize           rows one dispatcher claims at a time
 * @param pollInterval        how often an idle dispatcher looks for due rows
 * @param scanInterval        how often the scheduler walks the registry for reminders
 * @param lease               how long a claimed row is held by its dispatcher before another node may take it over
 * @param dispatchers         dispatch loops per node, each claiming its own batches (SKIP LOCKED keeps them apart), so
 *                            one batch's settling overlaps the next one's sending
 */
public record NotifySettings(
        boolean enabled,
        QuietHours quietHours,
        int dailyCap,
        int maxAttempts,
        Duration retryBase,
        Duration retryMax,
        List<Integer> reminderDays,
        int boosterIntervalDays,
        Duration labResultWindow,
        int batchSize,
        Duration pollInterval,
        Duration scanInterval,
        Duration lease,
        int dispatchers) {

    /** The keys and their defaults; {@code ConfigLoader} merges them into its own. */
    public static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("notify.enabled", "false");
        d.put("notify.quiet-hours-start", "21:00");
        d.put("notify.quiet-hours-end", "08:00");
        d.put("notify.daily-cap", "3");
        d.put("notify.max-attempts", "10");
        d.put("notify.retry-base", "PT10S");
        d.put("notify.retry-max", "PT5M");
        d.put("notify.reminder-days", "14,7,1");
        d.put("notify.booster-interval-days", "90");
        d.put("notify.lab-result-window", "PT72H");
        d.put("notify.batch-size", "500");
        d.put("notify.poll-interval", "PT1S");
        d.put("notify.scan-interval", "PT1H");
        d.put("notify.lease", "PT2M");
        d.put("notify.dispatchers", "2");
        return d;
    }

    /** The defaults, as tests and the bench start from. */
    public static NotifySettings standard() {
        List<String> problems = new ArrayList<>();
        NotifySettings settings = parse(defaults(), problems);
        if (!problems.isEmpty()) {
            throw new IllegalStateException(problems.toString());
        }
        return settings;
    }

    /** Reads the {@code notify.*} keys of {@code v}; each bad value adds a problem naming its key and the fix. */
    public static NotifySettings parse(Map<String, String> v, List<String> problems) {
        Keys k = new Keys(v, problems);
        Duration base = k.duration("notify.retry-base", Duration.ofSeconds(1), Duration.ofHours(1));
        Duration max = k.duration("notify.retry-max", Duration.ofSeconds(1), Duration.ofDays(1));
        if (base.compareTo(max) > 0) {
            problems.add("notify.retry-base = " + base + " must not be longer than notify.retry-max = " + max);
        }
        List<Integer> days = new ArrayList<>();
        String rawDays = v.get("notify.reminder-days");
        try {
            for (String part : rawDays.split(",")) {
                int n = Integer.parseInt(part.strip());
                if (n < 1 || n > 60 || days.contains(n)) {
                    throw new IllegalArgumentException();
                }
                days.add(n);
            }
            days.sort((a, b) -> b - a);
        } catch (IllegalArgumentException e) {
            problems.add("notify.reminder-days = '" + rawDays
                    + "' must be distinct whole days between 1 and 60, comma-separated, e.g. 14,7,1");
        }
        LocalTime quietStart = k.time("notify.quiet-hours-start");
        LocalTime quietEnd = k.time("notify.quiet-hours-end");
        return new NotifySettings(
                k.bool("notify.enabled"),
                new QuietHours(quietStart, quietEnd),
                k.integer("notify.daily-cap", 1, 100),
                k.integer("notify.max-attempts", 1, 100),
                base,
                max,
                List.copyOf(days),
                k.integer("notify.booster-interval-days", 1, 3650),
                k.duration("notify.lab-result-window", Duration.ofHours(1), Duration.ofDays(30)),
                k.integer("notify.batch-size", 1, 10_000),
                k.duration("notify.poll-interval", Duration.ofMillis(10), Duration.ofMinutes(10)),
                k.duration("notify.scan-interval", Duration.ofMinutes(1), Duration.ofDays(1)),
                k.duration("notify.lease", Duration.ofSeconds(10), Duration.ofHours(1)),
                k.integer("notify.dispatchers", 1, 16));
    }

    /** How long the retry after {@code attempts} failed attempts waits: base × 2^(attempts−1), at most retryMax. */
    public Duration backoff(int attempts) {
        int shift = Math.min(Math.max(attempts - 1, 0), 30);
        Duration d = retryBase.multipliedBy(1L << shift);
        return d.compareTo(retryMax) > 0 ? retryMax : d;
    }

    /** Typed reads of flattened config values, each failure a problem that names the key. */
    public static final class Keys {
        private final Map<String, String> v;
        private final List<String> problems;

        public Keys(Map<String, String> v, List<String> problems) {
            this.v = v;
            this.problems = problems;
        }

        private <T> T read(String key, Function<String, T> parser, String expected, T fallback) {
            String raw = v.get(key);
            try {
                if (raw == null) {
                    throw new IllegalArgumentException();
                }
                return parser.apply(raw.strip());
            } catch (IllegalArgumentException | DateTimeParseException e) {
                problems.add(key + " = '" + raw + "' must be " + expected + " (set it in checkpass.yaml or CHECKPASS_"
                        + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_') + ")");
                return fallback;
            }
        }

        public int integer(String key, int min, int max) {
            return read(
                    key,
                    s -> {
                        int n = Integer.parseInt(s);
                        if (n < min || n > max) {
                            throw new IllegalArgumentException();
                        }
                        return n;
                    },
                    "an integer between " + min + " and " + max,
                    min);
        }

        public boolean bool(String key) {
            return read(
                    key,
                    s -> switch (s.toLowerCase(Locale.ROOT)) {
                        case "true", "yes", "on" -> true;
                        case "false", "no", "off" -> false;
                        default -> throw new IllegalArgumentException();
                    },
                    "true or false",
                    false);
        }

        public Duration duration(String key, Duration min, Duration max) {
            return read(
                    key,
                    s -> {
                        Duration d = Duration.parse(s);
                        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                            throw new IllegalArgumentException();
                        }
                        return d;
                    },
                    "an ISO-8601 duration between " + min + " and " + max,
                    min);
        }

        public LocalTime time(String key) {
            return read(key, LocalTime::parse, "a local time such as 21:00", LocalTime.MIDNIGHT);
        }

        public String text(String key) {
            String raw = v.get(key);
            return raw == null ? "" : raw.strip();
        }
    }
}
