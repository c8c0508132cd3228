package io.checkpass.server.inspection;

import static io.checkpass.core.time.KoreaTime.KST;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The fines and administrative orders for pass violations, read from versioned data ({@code sanctions-kr.json} beside
 * this class): the one place those amounts, orders and the repeat window live. Each version is complete in itself and
 * takes force at its {@code effectiveFrom}; a violation is sanctioned by the version in force when it happened.
 *
 * <p>The n-th violation within the version's repeat window (counted by the caller: the same venue for an operator,
 * the same person for a user, voided sanctions excepted) gets the n-th fine and order of its kind; past the end of
 * a list, its last entry holds.
 */
public final class SanctionSchedule {
    /** The schedule the centre ships. */
    public static final String RESOURCE = "sanctions-kr.json";

    /** Who committed the violation. */
    public enum Offender {
        USER,
        OPERATOR;

        /** The id used in the API, the database and the data: {@code user}, {@code operator}. */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A text in Korean and English. */
    public record Text(String ko, String en) {}

    /** An administrative order; {@code period} is empty for a closure. */
    public record Order(String code, Optional<Period> period, Text text) {}

    /** An item of the inspector's findings checklist. */
    public record ChecklistItem(String code, Text text) {}

    /** What the schedule sets for one violation. */
    public record Sanction(
            String scheduleVersion,
            Offender offender,
            int repeatNumber,
            long fineKrw,
            Optional<Order> order,
            String basis) {}

    /** One version of the schedule. */
    public record Version(
            String id,
            Instant effectiveFrom,
            String source,
            Period repeatWindow,
            Text repeatCounting,
            String userBasis,
            List<Long> userFines,
            String operatorBasis,
            List<Long> operatorFines,
            List<Order> operatorOrders,
            List<ChecklistItem> checklist) {

        public Version {
            if (userFines.isEmpty() || operatorFines.isEmpty()) {
                throw new IllegalArgumentException("schedule " + id + ": every offender needs at least one fine");
            }
            userFines = List.copyOf(userFines);
            operatorFines = List.copyOf(operatorFines);
            operatorOrders = List.copyOf(operatorOrders);
            checklist = List.copyOf(checklist);
        }

        /** The first instant whose violations count towards a repeat of a violation at {@code at}. */
        public Instant repeatWindowStart(Instant at) {
            return ZonedDateTime.ofInstant(at, KST).minus(repeatWindow).toInstant();
        }

        /**
         * The sanction of a violation that is the {@code repeatNumber}-th (1 for a first) of its offender in the
         * window.
         */
        public Sanction sanction(Offender offender, int repeatNumber) {
            if (repeatNumber < 1) {
                throw new IllegalArgumentException("a repeat number starts at 1, not " + repeatNumber);
            }
            List<Long> fines = offender == Offender.USER ? userFines : operatorFines;
            Optional<Order> order = offender == Offender.OPERATOR && !operatorOrders.isEmpty()
                    ? Optional.of(nth(operatorOrders, repeatNumber))
                    : Optional.empty();
            return new Sanction(
                    id,
                    offender,
                    repeatNumber,
                    nth(fines, repeatNumber),
                    order,
                    offender == Offender.USER ? userBasis : operatorBasis);
        }

        /** The order with this code, if the version has one. */
        public Optional<Order> order(String code) {
            return operatorOrders.stream().filter(o -> o.code().equals(code)).findFirst();
        }

        /** The legal basis of a fine for this offender. */
        public String basis(Offender offender) {
            return offender == Offender.USER ? userBasis : operatorBasis;
        }

        /** Whether {@code code} is an item of the checklist. */
        public boolean hasChecklistItem(String code) {
            return checklist.stream().anyMatch(i -> i.code().equals(code));
        }

        private static <T> T nth(List<T> list, int repeatNumber) {
            return list.get(Math.min(repeatNumber, list.size()) - 1);
        }
    }

    private final List<Version> versions;

    private SanctionSchedule(List<Version> versions) {
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("a sanction schedule needs at least one version");
        }
        this.versions = versions.stream()
                .sorted(Comparator.comparing(Version::effectiveFrom))
                .toList();
    }

    /** The schedule shipped with the centre. */
    public static SanctionSchedule packaged() {
        try (InputStream in = SanctionSchedule.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the build");
            }
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a schedule.
     *
     * @throws IllegalArgumentException naming the version and field that is wrong
     */
    public static SanctionSchedule read(InputStream in) throws IOException {
        JsonNode root = new ObjectMapper().readTree(in);
        List<Version> versions = new ArrayList<>();
        for (JsonNode v : root.path("versions")) {
            String id = text(v, "id", "?");
            try {
                JsonNode user = v.path("user");
                JsonNode operator = v.path("operator");
                List<Order> orders = new ArrayList<>();
                for (JsonNode o : operator.path("orders")) {
                    orders.add(new Order(
                            text(o, "code", id),
                            o.hasNonNull("period")
                                    ? Optional.of(Period.parse(o.get("period").asText()))
                                    : Optional.empty(),
                            new Text(text(o, "ko", id), text(o, "en", id))));
                }
                List<ChecklistItem> checklist = new ArrayList<>();
                for (JsonNode c : v.path("checklist")) {
                    checklist.add(
                            new ChecklistItem(text(c, "code", id), new Text(text(c, "ko", id), text(c, "en", id))));
                }
                versions.add(new Version(
                        id,
                        OffsetDateTime.parse(text(v, "effectiveFrom", id)).toInstant(),
                        text(v, "source", id),
                        Period.parse(text(v, "repeatWindow", id)),
                        new Text(text(v.path("repeatCounting"), "ko", id), text(v.path("repeatCounting"), "en", id)),
                        text(user, "basis", id),
                        amounts(user.path("fines"), id),
                        text(operator, "basis", id),
                        amounts(operator.path("fines"), id),
                        orders,
                        checklist));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("sanction schedule version " + id + ": " + e.getMessage(), e);
            }
        }
        return new SanctionSchedule(versions);
    }

    /** The version in force at {@code at}, or empty before the first one. */
    public Optional<Version> inForceAt(Instant at) {
        Version found = null;
        for (Version v : versions) {
            if (!v.effectiveFrom().isAfter(at)) {
                found = v;
            }
        }
        return Optional.ofNullable(found);
    }

    /** The version with this id (a violation names the version that sanctioned it). */
    public Optional<Version> version(String id) {
        return versions.stream().filter(v -> v.id().equals(id)).findFirst();
    }

    public List<Version> versions() {
        return versions;
    }

    private static List<Long> amounts(JsonNode node, String id) {
        List<Long> out = new ArrayList<>();
        for (JsonNode n : node) {
            if (!n.canConvertToLong() || n.asLong() < 0) {
                throw new IllegalArgumentException("fine amounts are whole KRW, not " + n);
            }
            out.add(n.asLong());
        }
        return out;
    }

    private static String text(JsonNode node, String field, String id) {
        JsonNode n = node.path(field);
        if (!n.isTextual() || n.asText().isBlank()) {
            throw new IllegalArgumentException("field '" + field + "' is required (version " + id + ")");
        }
        return n.asText();
    }
}
