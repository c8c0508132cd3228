package io.checkpass.server.tracing;

import io.checkpass.core.pass.Serial;
import io.checkpass.core.registry.PersonRecord;
import io.checkpass.core.registry.PhoneNumber;
import io.checkpass.core.registry.RegistryRecord;
import io.checkpass.server.CentreServices;
import io.checkpass.server.issuance.IssuanceLedger;
import io.checkpass.server.visits.CheckIn;
import io.checkpass.server.visits.CheckIn.Channel;
import io.checkpass.server.visits.ContactCipher;
import io.checkpass.server.visits.PostgresCheckInLog;
import io.checkpass.server.visits.Venues;
import io.checkpass.server.visits.VisitPartitions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * 13 December 2021 (KST) in six venues: 200 registry persons, their serials in the issuance ledger, QR, CALL and
 * MANUAL check-ins at random times from a seeded {@link Random}, plus a few visits of the case person the tests
 * trace, crowded on purpose. The seeded data is kept in plain Java, and {@link #expected} computes a trace's
 * answer from it without SQL, so the tests compare the {@link Tracer} with an independent computation.
 */
final class SeededDay {
    static final ZoneOffset KST = ZoneOffset.ofHours(9);
    static final Instant DAY_START =
            OffsetDateTime.of(2021, 12, 13, 0, 0, 0, 0, KST).toInstant();
    static final Instant DAY_END = DAY_START.plus(Duration.ofDays(1));
    static final String CASE_PERSON = "V007";
    /** A second person whose registry phone is the case person's number written another way (a family phone). */
    static final String SAME_PHONE_PERSON = "V199";

    static final String CASE_PHONE_IN_REGISTRY = "+82 10-7000-0007";
    static final String CASE_PHONE = "01070000007";
    static final List<String> VENUES = List.of("cafe-a", "bar-b", "gym-c", "pc-d", "karaoke-e", "sauna-f");

    /** One seeded check-in as the test knows it. {@code phone} is normalised; null fields are absent. */
    record Visit(
            UUID id,
            String venueId,
            Instant at,
            Channel channel,
            String serialHex,
            String passRef,
            String phone,
            String name) {}

    final List<Visit> visits = new ArrayList<>();
    final Map<String, String> personOfSerial = new HashMap<>();
    final Map<String, List<String>> serialsOfPerson = new LinkedHashMap<>();
    final Map<String, String> registryPhone = new HashMap<>();
    final Map<String, String> registryName = new HashMap<>();
    final Map<String, String> venueNames = new HashMap<>();
    final Map<String, String> callerNames = new HashMap<>();
    final List<String> unknownSerials = new ArrayList<>();
    /** The case person's check-in on the evening before the day: outside a window of the day. */
    Visit caseVisitTheEveningBefore;

    private final Random random = new Random(20211213);

    SeededDay(CentreServices centre, ContactCipher cipher, Clock clock) {
        var db = centre.database().dataSource();
        new VisitPartitions(db).ensure(LocalDate.of(2021, 12, 11), LocalDate.of(2021, 12, 14));
        Venues venues = new Venues(db, centre.apiClients());
        for (String id : VENUES) {
            String name = "매장 " + id.toUpperCase(Locale.ROOT);
            venueNames.put(id, name);
            venues.add(
                    new Venues.Venue(id, "123-45-67890", name, "서울 중구", "seoul", "restaurant_cafe", Optional.empty()));
        }
        seedPersons(centre);
        seedCrowd();
        seedCase();
        new PostgresCheckInLog(db, cipher, clock)
                .append(visits.stream().map(SeededDay::checkIn).toList());
    }

    private void seedPersons(CentreServices centre) {
        List<RegistryRecord> persons = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String id = "V%03d".formatted(i);
            String phone = switch (i % 10) {
                case 0, 1 -> null;
                case 2 -> "+82 10 5%03d %04d".formatted(i, i * 7);
                default -> "010-5%03d-%04d".formatted(i, i * 7);
            };
            if (id.equals(CASE_PERSON) || id.equals(SAME_PHONE_PERSON)) {
                phone = id.equals(CASE_PERSON) ? CASE_PHONE_IN_REGISTRY : "010 7000 0007";
            }
            String name = "방문자" + i;
            registryName.put(id, name);
            if (phone != null) {
                registryPhone.put(id, phone);
            }
            persons.add(new PersonRecord(
                    id, name, LocalDate.of(1950 + i % 50, 1 + i % 12, 1 + i % 28), Optional.ofNullable(phone)));
        }
        centre.registry().upsert(persons);
        for (String id : registryName.keySet().stream().sorted().toList()) {
            int devices = id.equals(CASE_PERSON) || random.nextInt(5) == 0 ? 2 : 1;
            for (int d = 0; d < devices; d++) {
                Serial serial = randomSerial();
                byte[] deviceHash = new byte[32];
                random.nextBytes(deviceHash);
                centre.ledger()
                        .record(new IssuanceLedger.Entry(
                                serial,
                                id,
                                "wallet-seed",
                                deviceHash,
                                null,
                                LocalDate.of(2021, 12, 12),
                                "vaccinated",
                                DAY_START.minus(Duration.ofHours(20)),
                                DAY_START.plus(Duration.ofHours(28)),
                                new byte[] {1},
                                new byte[32],
                                0,
                                -1,
                                -1,
                                null,
                                java.util.Optional.empty(),
                                "",
                                new io.checkpass.core.rules.LocalizedText("", "")));
                personOfSerial.put(serial.hex(), id);
                serialsOfPerson.computeIfAbsent(id, k -> new ArrayList<>()).add(serial.hex());
            }
        }
        for (int i = 0; i < 8; i++) {
            unknownSerials.add(randomSerial().hex());
        }
    }

    /** About 700 check-ins across the day, plus some on the evening before and the morning after. */
    private void seedCrowd() {
        List<String> persons = List.copyOf(serialsOfPerson.keySet());
        for (int i = 0; i < 700; i++) {
            String venue = VENUES.get(random.nextInt(VENUES.size()));
            Instant at = DAY_START.minus(Duration.ofHours(3)).plusSeconds(random.nextInt(30 * 3600));
            visits.add(randomVisitor(persons, venue, at));
        }
    }

    /**
     * The case person: a QR visit at each of two venues, a call at a third, one visit the evening before; and a
     * crowd within two hours of each, including co-visits exactly one dwell (60 min) apart and one second less.
     */
    private void seedCase() {
        List<String> persons = List.copyOf(serialsOfPerson.keySet());
        List<String> caseSerials = serialsOfPerson.get(CASE_PERSON);
        Instant noon = DAY_START.plus(Duration.ofHours(12));
        Instant afternoon = DAY_START.plus(Duration.ofHours(15)).plusSeconds(1800);
        Instant evening = DAY_START.plus(Duration.ofHours(19));
        List<Visit> caseVisits = List.of(
                qr("cafe-a", noon, caseSerials.get(0)),
                qr("bar-b", afternoon, caseSerials.get(1)),
                contact("gym-c", evening, Channel.CALL, "010-7000-0007", Optional.empty()),
                qr("sauna-f", DAY_START.minus(Duration.ofMinutes(30)), caseSerials.get(0)));
        caseVisitTheEveningBefore = caseVisits.getLast();
        visits.addAll(caseVisits);
        // The family phone's owner checks in too: a person of the case's own number, so never a co-visitor in a phone
        // trace.
        visits.add(qr(
                "gym-c",
                evening.plusSeconds(240),
                serialsOfPerson.get(SAME_PHONE_PERSON).getFirst()));
        for (Visit cv : caseVisits) {
            for (int i = 0; i < 40; i++) {
                visits.add(
                        randomVisitor(persons, cv.venueId(), cv.at().plusSeconds(random.nextInt(4 * 3600) - 2 * 3600)));
            }
            visits.add(randomVisitor(persons, cv.venueId(), cv.at().plus(Duration.ofMinutes(60))));
            visits.add(randomVisitor(persons, cv.venueId(), cv.at().minus(Duration.ofMinutes(60))));
            visits.add(randomVisitor(
                    persons, cv.venueId(), cv.at().plus(Duration.ofMinutes(60)).minusSeconds(1)));
        }
    }

    private Visit randomVisitor(List<String> persons, String venue, Instant at) {
        int kind = random.nextInt(100);
        if (kind < 68) {
            List<String> serials = serialsOfPerson.get(persons.get(random.nextInt(persons.size())));
            return qr(venue, at, serials.get(random.nextInt(serials.size())));
        }
        if (kind < 72) {
            return qr(venue, at, unknownSerials.get(random.nextInt(unknownSerials.size())));
        }
        if (kind < 75) {
            return new Visit(uuid(), venue, at, Channel.QR, null, "URN:UVCI:01:DE:" + random.nextInt(20), null, null);
        }
        if (kind < 76) {
            return new Visit(uuid(), venue, at, Channel.QR, null, null, null, null);
        }
        Channel channel = kind < 88 ? Channel.CALL : Channel.MANUAL;
        String phone;
        if (random.nextBoolean()) {
            // A registry person calls in, written the way people type numbers.
            List<String> withPhones = registryPhone.keySet().stream().sorted().toList();
            phone = registryPhone
                    .get(withPhones.get(random.nextInt(withPhones.size())))
                    .replace(" ", "-");
        } else {
            phone = "010-9%03d-%04d".formatted(random.nextInt(40), random.nextInt(10_000));
        }
        String normalised = canonical(phone);
        Optional<String> name = channel == Channel.MANUAL || random.nextBoolean()
                ? Optional.of(callerNames.computeIfAbsent(normalised, p -> "손님" + p.substring(p.length() - 4)))
                : Optional.empty();
        return contact(venue, at, channel, phone, name);
    }

    private Visit qr(String venue, Instant at, String serialHex) {
        return new Visit(uuid(), venue, at, Channel.QR, serialHex, null, null, null);
    }

    private Visit contact(String venue, Instant at, Channel channel, String phone, Optional<String> name) {
        return new Visit(uuid(), venue, at, channel, null, null, canonical(phone), name.orElse(null));
    }

    private static CheckIn checkIn(Visit v) {
        return new CheckIn(
                v.id(),
                v.at(),
                v.venueId(),
                Optional.empty(),
                v.channel(),
                Optional.ofNullable(v.serialHex()).map(Serial::parse),
                Optional.ofNullable(v.passRef()).map(r -> "eu-dcc"),
                Optional.ofNullable(v.passRef()),
                Optional.ofNullable(v.phone())
                        .map(p ->
                                new CheckIn.Contact(PhoneNumber.parse(p).orElseThrow(), Optional.ofNullable(v.name()))),
                Optional.of(v.serialHex() == null && v.passRef() == null && v.phone() == null ? "DENY" : "ADMIT"),
                Optional.empty(),
                v.channel() == Channel.MANUAL ? Optional.of("verbal") : Optional.empty());
    }

    private Serial randomSerial() {
        return new Serial(random.nextLong(), random.nextInt());
    }

    private UUID uuid() {
        return new UUID(random.nextLong(), random.nextLong());
    }

    // ---- The independent computation ---------------------------------------------------------------------------

    /**
     * One expected encounter: who (person:ID, phone:DIGITS for a call or manual entry, serial:HEX for a serial the
     * ledger lacks, pass-ref:REF, checkin:UUID), which case visit and which co-visit.
     */
    record Expected(String who, UUID caseVisit, UUID coVisit) {}

    /** The case visits and co-visits a trace must return, computed in plain Java over the seeded data. */
    record Answer(List<UUID> caseVisits, Set<Expected> encounters) {}

    Answer expected(TraceRequest.Subject subject, Instant from, Instant to, Duration dwell) {
        Set<String> persons = new HashSet<>();
        Set<String> caseSerials = new HashSet<>();
        Set<String> casePhones = new HashSet<>();
        Set<String> ownPhones = new HashSet<>();
        switch (subject) {
            case TraceRequest.Subject.Person p -> {
                persons.add(p.personId().value());
                caseSerials.addAll(serialsOfPerson.getOrDefault(p.personId().value(), List.of()));
                normalisedRegistryPhone(p.personId().value()).ifPresent(casePhones::add);
                ownPhones.addAll(casePhones);
            }
            case TraceRequest.Subject.Pass s -> {
                caseSerials.add(s.serial().hex());
                String holder = personOfSerial.get(s.serial().hex());
                if (holder != null) {
                    persons.add(holder);
                    normalisedRegistryPhone(holder).ifPresent(ownPhones::add);
                }
            }
            case TraceRequest.Subject.Phone ph -> {
                casePhones.add(ph.number().digits());
                ownPhones.add(ph.number().digits());
                for (String person : registryName.keySet()) {
                    if (normalisedRegistryPhone(person)
                            .filter(ph.number().digits()::equals)
                            .isPresent()) {
                        persons.add(person);
                        caseSerials.addAll(serialsOfPerson.getOrDefault(person, List.of()));
                    }
                }
            }
        }
        List<Visit> caseVisits = visits.stream()
                .filter(v -> !v.at().isBefore(from) && v.at().isBefore(to))
                .filter(v -> caseSerials.contains(v.serialHex()) || casePhones.contains(v.phone()))
                .toList();
        Set<Expected> encounters = new HashSet<>();
        for (Visit cv : caseVisits) {
            for (Visit o : visits) {
                boolean own = caseSerials.contains(o.serialHex())
                        || ownPhones.contains(o.phone())
                        || (o.serialHex() != null && persons.contains(personOfSerial.get(o.serialHex())));
                long apartMillis = Math.abs(Duration.between(cv.at(), o.at()).toMillis());
                if (!own && o.venueId().equals(cv.venueId()) && apartMillis < dwell.toMillis()) {
                    encounters.add(new Expected(who(o), cv.id(), o.id()));
                }
            }
        }
        return new Answer(caseVisits.stream().map(Visit::id).toList(), encounters);
    }

    private String who(Visit o) {
        if (o.serialHex() != null) {
            String person = personOfSerial.get(o.serialHex());
            return person != null ? "person:" + person : "serial:" + o.serialHex();
        }
        if (o.phone() != null) {
            return "phone:" + o.phone();
        }
        return o.passRef() != null ? "pass-ref:" + o.passRef() : "checkin:" + o.id();
    }

    Optional<String> normalisedRegistryPhone(String personId) {
        return Optional.ofNullable(registryPhone.get(personId)).map(SeededDay::canonical);
    }

    /** The same key for what a trace returned. */
    static Set<Expected> actual(TraceResult result) {
        Set<Expected> out = new HashSet<>();
        for (TraceResult.Contact k : result.contacts()) {
            String who = switch (k.resolution()) {
                case LEDGER -> "person:" + k.personId().orElseThrow();
                case CONTACT -> "phone:" + k.phone().orElseThrow();
                case NOT_IN_LEDGER, FOREIGN_PASS, NO_IDENTIFIER, UNDECRYPTABLE -> k.identity();
            };
            for (TraceResult.Encounter e : k.encounters()) {
                out.add(new Expected(who, e.caseCheckinId(), e.contactCheckinId()));
            }
        }
        return out;
    }

    Visit visit(UUID id) {
        return visits.stream().filter(v -> v.id().equals(id)).findFirst().orElseThrow();
    }

    private static String canonical(String phone) {
        return PhoneNumber.parse(phone).orElseThrow().digits();
    }
}
