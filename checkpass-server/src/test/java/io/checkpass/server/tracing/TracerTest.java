package io.checkpass.server.tracing;

import static io.checkpass.server.tracing.SeededDay.DAY_END;
import static io.checkpass.server.tracing.SeededDay.DAY_START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkpass.core.pass.Serial;
import io.checkpass.core.registry.PersonId;
import io.checkpass.core.registry.PhoneNumber;
import io.checkpass.server.audit.AuditLog;
import io.checkpass.server.support.TestCentre;
import io.checkpass.server.tracing.SeededDay.Expected;
import io.checkpass.server.tracing.TraceRequest.Subject;
import io.checkpass.server.tracing.TraceResult.Contact;
import io.checkpass.server.tracing.TraceResult.Encounter;
import io.checkpass.server.tracing.TraceResult.Resolution;
import io.checkpass.server.visits.CheckIn;
import io.checkpass.server.visits.ContactCipher;
import io.checkpass.server.visits.PostgresCheckInLog;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The tracer on real PostgreSQL over a seeded day, checked against the plain-Java computation in {@link SeededDay}. */
class TracerTest {
    static final Instant TRACED_AT = DAY_END.plus(Duration.ofDays(2));
    static final String TRACER = "tracer-kim";

    static TestCentre centre;
    static ContactCipher cipher;
    static SeededDay day;
    static Tracer tracer;
    static AuditLog audit;

    @BeforeAll
    static void seed() throws IOException {
        centre = new TestCentre(TRACED_AT);
        cipher = ContactCipher.open(Files.createTempDirectory("checkpass-visit-key"), Optional.empty());
        day = new SeededDay(centre.server.centre(), cipher, centre.clock);
        audit = centre.server.centre().audit();
        tracer = new Tracer(
                centre.server.centre().database().identity(),
                centre.server.centre().database().visits(),
                cipher,
                audit,
                centre.clock,
                Duration.ofMinutes(60));
    }

    @AfterAll
    static void stop() {
        centre.close();
    }

    static TraceRequest request(Subject subject, Instant from, Instant to, OptionalInt dwell) {
        return new TraceRequest(TRACER, "2021-서울-0042", "확진자 역학조사", subject, from, to, dwell);
    }

    static TraceRequest dayOf(Subject subject) {
        return request(subject, DAY_START, DAY_END, OptionalInt.empty());
    }

    @Test
    void a_trace_by_person_over_a_seeded_day_returns_exactly_the_independently_computed_co_visitors() {
        TraceResult result = tracer.trace(dayOf(new Subject.Person(new PersonId(SeededDay.CASE_PERSON))));

        SeededDay.Answer answer = day.expected(
                new Subject.Person(new PersonId(SeededDay.CASE_PERSON)), DAY_START, DAY_END, Duration.ofMinutes(60));
        assertMatches(result, answer, Duration.ofMinutes(60));
        assertThat(result.contacts())
                .extracting(Contact::resolution)
                .contains(Resolution.LEDGER, Resolution.CONTACT, Resolution.NOT_IN_LEDGER, Resolution.FOREIGN_PASS);
        assertAudited(result, "person:" + SeededDay.CASE_PERSON);
    }

    @Test
    void a_trace_by_serial_finds_that_serial_s_visits_only_and_never_the_holder_as_a_co_visitor() {
        String serial = day.serialsOfPerson.get(SeededDay.CASE_PERSON).get(1);
        Subject subject = new Subject.Pass(Serial.parse(serial));
        TraceResult result = tracer.trace(dayOf(subject));

        assertMatches(
                result, day.expected(subject, DAY_START, DAY_END, Duration.ofMinutes(60)), Duration.ofMinutes(60));
        assertThat(result.caseVisits())
                .extracting(v -> day.visit(v.checkinId()).serialHex())
                .containsOnly(serial);
        assertThat(result.caseVisits())
                .extracting(TraceResult.CaseVisit::venueId)
                .contains("bar-b")
                .doesNotContain("cafe-a");
        assertThat(result.contacts()).extracting(Contact::identity).doesNotContain("person:" + SeededDay.CASE_PERSON);
        assertAudited(
                result,
                "serial:" + day.serialsOfPerson.get(SeededDay.CASE_PERSON).get(1));
    }

    @Test
    void a_trace_by_phone_finds_calls_from_the_number_and_the_serials_of_every_person_registered_with_it() {
        Subject subject =
                new Subject.Phone(PhoneNumber.parse("+82 10 7000 0007").orElseThrow());
        TraceResult result = tracer.trace(dayOf(subject));

        SeededDay.Answer answer = day.expected(subject, DAY_START, DAY_END, Duration.ofMinutes(60));
        assertMatches(result, answer, Duration.ofMinutes(60));
        Set<String> caseSerials = result.caseVisits().stream()
                .map(v -> day.visit(v.checkinId()).serialHex())
                .filter(s -> s != null)
                .collect(Collectors.toSet());
        assertThat(caseSerials)
                .contains(day.serialsOfPerson.get(SeededDay.SAME_PHONE_PERSON).getFirst())
                .containsAll(day.serialsOfPerson.get(SeededDay.CASE_PERSON));
        assertThat(result.caseVisits())
                .extracting(TraceResult.CaseVisit::channel)
                .contains(CheckIn.Channel.CALL);
        assertAudited(
                result,
                "contact:"
                        + HexFormat.of()
                                .formatHex(
                                        cipher.hmac(PhoneNumber.parse(SeededDay.CASE_PHONE)
                                                .orElseThrow()),
                                        0,
                                        8));
    }

    @Test
    void the_dwell_decides_who_overlaps_and_each_answer_matches_the_independent_computation() {
        Subject subject = new Subject.Person(new PersonId(SeededDay.CASE_PERSON));
        Set<Expected> previous = Set.of();
        for (int minutes : new int[] {15, 60, 120}) {
            TraceResult result = tracer.trace(request(subject, DAY_START, DAY_END, OptionalInt.of(minutes)));
            assertMatches(
                    result,
                    day.expected(subject, DAY_START, DAY_END, Duration.ofMinutes(minutes)),
                    Duration.ofMinutes(minutes));
            Set<Expected> found = SeededDay.actual(result);
            assertThat(found)
                    .as("dwell %d min finds more than a shorter dwell", minutes)
                    .containsAll(previous)
                    .hasSizeGreaterThan(previous.size());
            previous = found;
        }
    }

    @Test
    void visits_outside_the_window_are_not_the_case_s_and_bring_no_co_visitors() {
        UUID eveningBefore = day.caseVisitTheEveningBefore.id();
        TraceResult dayOnly = tracer.trace(dayOf(new Subject.Person(new PersonId(SeededDay.CASE_PERSON))));
        assertThat(dayOnly.caseVisits())
                .extracting(TraceResult.CaseVisit::checkinId)
                .doesNotContain(eveningBefore);
        assertThat(dayOnly.contacts())
                .flatExtracting(Contact::encounters)
                .extracting(Encounter::venueId)
                .doesNotContain("sauna-f");

        Instant fromEvening = DAY_START.minus(Duration.ofHours(1));
        TraceResult wider = tracer.trace(request(
                new Subject.Person(new PersonId(SeededDay.CASE_PERSON)), fromEvening, DAY_END, OptionalInt.empty()));
        assertThat(wider.caseVisits())
                .extracting(TraceResult.CaseVisit::checkinId)
                .contains(eveningBefore);
        assertMatches(
                wider,
                day.expected(
                        new Subject.Person(new PersonId(SeededDay.CASE_PERSON)),
                        fromEvening,
                        DAY_END,
                        Duration.ofMinutes(60)),
                Duration.ofMinutes(60));
    }

    @Test
    void a_co_visit_exactly_one_dwell_apart_does_not_overlap_and_one_a_second_closer_does() {
        TraceResult result = tracer.trace(dayOf(new Subject.Person(new PersonId(SeededDay.CASE_PERSON))));
        Set<Expected> found = SeededDay.actual(result);
        List<String> mismatches = new ArrayList<>();
        for (TraceResult.CaseVisit cv : result.caseVisits()) {
            for (SeededDay.Visit o : day.visits) {
                if (!o.venueId().equals(cv.venueId())) {
                    continue;
                }
                Duration apart = Duration.between(cv.at(), o.at()).abs();
                boolean paired = found.stream()
                        .anyMatch(e -> e.caseVisit().equals(cv.checkinId())
                                && e.coVisit().equals(o.id()));
                if (apart.equals(Duration.ofMinutes(60)) && paired) {
                    mismatches.add("paired exactly 60 min apart: " + o);
                }
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(result.contacts())
                .flatExtracting(Contact::encounters)
                .extracting(Encounter::overlap)
                .contains(Duration.ofSeconds(1));
    }

    @Test
    void a_trace_for_a_person_the_registry_does_not_hold_is_refused_and_the_refusal_is_audited() {
        assertThatThrownBy(() -> tracer.trace(dayOf(new Subject.Person(new PersonId("NOBODY-1")))))
                .isInstanceOfSatisfying(
                        TraceRefused.class, e -> assertThat(e.why()).isEqualTo(TraceRefused.Why.UNKNOWN_PERSON));

        List<AuditLog.Entry> entries = auditOf("person:NOBODY-1");
        assertThat(entries).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("trace");
            assertThat(e.actor()).isEqualTo(TRACER);
            assertThat(e.detail())
                    .containsEntry("outcome", "refused: unknown-person")
                    .containsEntry("caseId", "2021-서울-0042");
        });
    }

    @Test
    void a_trace_beyond_its_bounds_is_refused_before_any_resolution_and_the_refusal_is_audited() {
        Tracer bounded = new Tracer(
                centre.server.centre().database().identity(),
                centre.server.centre().database().visits(),
                cipher,
                audit,
                centre.clock,
                Duration.ofMinutes(60),
                new Tracer.Bounds(1_000, 10));
        long resolvesBefore = allAudit().stream()
                .filter(e -> e.action().equals("trace-resolve"))
                .count();
        Subject subject = new Subject.Pass(
                Serial.parse(day.serialsOfPerson.get(SeededDay.CASE_PERSON).getFirst()));

        assertThatThrownBy(() -> bounded.trace(dayOf(subject)))
                .isInstanceOfSatisfying(
                        TraceRefused.class, e -> assertThat(e.why()).isEqualTo(TraceRefused.Why.TOO_MANY_VISITS));

        assertThat(allAudit().stream()
                        .filter(e -> e.action().equals("trace-resolve"))
                        .count())
                .isEqualTo(resolvesBefore);
        assertThat(allAudit())
                .filteredOn(e -> "refused: too-many-visits".equals(e.detail().get("outcome")))
                .isNotEmpty();
    }

    @Test
    void a_contact_that_does_not_decrypt_is_reported_unresolved_and_the_others_still_resolve() throws IOException {
        ContactCipher otherKey = ContactCipher.open(Files.createTempDirectory("checkpass-other-key"), Optional.empty());
        Instant at = DAY_END.plus(Duration.ofHours(10));
        Serial foreign = Serial.parse("00112233445566778899aabb");
        UUID caseId = UUID.randomUUID();
        UUID goodCall = UUID.randomUUID();
        UUID badCall = UUID.randomUUID();
        var db = centre.server.centre().database().dataSource();
        new PostgresCheckInLog(db, cipher, centre.clock)
                .append(List.of(
                        checkIn(caseId, at, CheckIn.Channel.QR, Optional.of(foreign), Optional.empty()),
                        checkIn(
                                goodCall,
                                at.plusSeconds(600),
                                CheckIn.Channel.CALL,
                                Optional.empty(),
                                Optional.of("010-3333-4444"))));
        new PostgresCheckInLog(db, otherKey, centre.clock)
                .append(List.of(checkIn(
                        badCall,
                        at.plusSeconds(900),
                        CheckIn.Channel.CALL,
                        Optional.empty(),
                        Optional.of("010-5555-6666"))));

        TraceResult result = tracer.trace(
                request(new Subject.Pass(foreign), DAY_END, DAY_END.plus(Duration.ofDays(1)), OptionalInt.empty()));

        assertThat(result.caseVisits())
                .extracting(TraceResult.CaseVisit::checkinId)
                .containsExactly(caseId);
        assertThat(result.contacts())
                .extracting(Contact::resolution, Contact::phone)
                .containsExactly(
                        Tuple.tuple(Resolution.CONTACT, Optional.of("01033334444")),
                        Tuple.tuple(Resolution.UNDECRYPTABLE, Optional.empty()));
        assertThat(result.contacts().get(1).identity()).isEqualTo("checkin:" + badCall);
        assertAudited(result, "serial:" + foreign.hex());
    }

    static CheckIn checkIn(
            UUID id, Instant at, CheckIn.Channel channel, Optional<Serial> serial, Optional<String> phone) {
        return new CheckIn(
                id,
                at,
                "lab-g",
                Optional.empty(),
                channel,
                serial,
                Optional.empty(),
                Optional.empty(),
                phone.map(p -> new CheckIn.Contact(PhoneNumber.parse(p).orElseThrow(), Optional.of("테스트"))),
                Optional.of("ADMIT"),
                Optional.empty(),
                Optional.empty());
    }

    // ---- assertions ---------------------------------------------------------------------------------------------

    /** The trace equals the independent answer: case visits, encounters, and every detail of every encounter. */
    static void assertMatches(TraceResult result, SeededDay.Answer answer, Duration dwell) {
        assertThat(result.dwell()).isEqualTo(dwell);
        assertThat(result.caseVisits())
                .extracting(TraceResult.CaseVisit::checkinId)
                .containsExactlyInAnyOrderElementsOf(answer.caseVisits());
        assertThat(result.caseVisits()).extracting(TraceResult.CaseVisit::at).isSorted();

        Set<Expected> actual = SeededDay.actual(result);
        List<String> mismatches = new ArrayList<>();
        for (Expected e : answer.encounters()) {
            if (!actual.contains(e)) {
                mismatches.add("missing " + e + " co-visit " + day.visit(e.coVisit()));
            }
        }
        for (Expected e : actual) {
            if (!answer.encounters().contains(e)) {
                mismatches.add("unexpected " + e + " co-visit " + day.visit(e.coVisit()));
            }
        }
        Set<String> identities = new HashSet<>();
        for (Contact k : result.contacts()) {
            if (!identities.add(k.identity())) {
                mismatches.add("identity listed twice: " + k.identity());
            }
            contactDetails(k, mismatches);
            for (Encounter e : k.encounters()) {
                SeededDay.Visit co = day.visit(e.contactCheckinId());
                SeededDay.Visit cv = day.visit(e.caseCheckinId());
                Duration overlap =
                        dwell.minus(Duration.between(cv.at(), co.at()).abs());
                if (!e.venueId().equals(co.venueId())
                        || !e.contactVisitAt().equals(co.at())
                        || !e.caseVisitAt().equals(cv.at())
                        || e.channel() != co.channel()
                        || !e.overlap().equals(overlap)
                        || !e.venueName().equals(Optional.ofNullable(day.venueNames.get(co.venueId())))) {
                    mismatches.add("encounter details differ: " + e + " for " + co);
                }
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(answer.encounters()).as("the seeded case has co-visitors").hasSizeGreaterThan(20);
    }

    private static void contactDetails(Contact k, List<String> mismatches) {
        switch (k.resolution()) {
            case LEDGER -> {
                String person = k.personId().orElseThrow();
                if (!k.name().equals(Optional.of(day.registryName.get(person)))
                        || !k.phone().equals(day.normalisedRegistryPhone(person))) {
                    mismatches.add("registry details differ for " + person + ": " + k);
                }
            }
            case CONTACT -> {
                String phone = k.phone().orElseThrow();
                boolean anyNamed = k.encounters().stream()
                        .anyMatch(e -> day.visit(e.contactCheckinId()).name() != null);
                Optional<String> expectedName = anyNamed ? Optional.of(day.callerNames.get(phone)) : Optional.empty();
                if (!k.name().equals(expectedName)) {
                    mismatches.add("caller name differs for " + phone + ": " + k.name() + " ≠ " + expectedName);
                }
            }
            case NOT_IN_LEDGER, FOREIGN_PASS, NO_IDENTIFIER, UNDECRYPTABLE -> {
                if (k.personId().isPresent()
                        || k.name().isPresent()
                        || k.phone().isPresent()) {
                    mismatches.add("an unresolved contact carries details: " + k);
                }
            }
        }
    }

    /** One {@code trace} entry, and one {@code trace-resolve} entry per resolved contact, with its visits. */
    static void assertAudited(TraceResult result, String subject) {
        List<AuditLog.Entry> entries = allAudit().stream()
                .filter(e -> result.traceId().toString().equals(e.detail().get("traceId")))
                .toList();
        List<AuditLog.Entry> requests =
                entries.stream().filter(e -> e.action().equals("trace")).toList();
        assertThat(requests).singleElement().satisfies(e -> {
            assertThat(e.subject()).isEqualTo(subject);
            assertThat(e.actor()).isEqualTo(TRACER);
            assertThat(e.detail())
                    .containsEntry("caseId", result.request().caseId())
                    .containsEntry("reason", result.request().reason())
                    .containsEntry("outcome", "done");
        });
        List<Contact> resolved = result.contacts().stream()
                .filter(k -> k.resolution().resolved())
                .toList();
        List<AuditLog.Entry> resolutions =
                entries.stream().filter(e -> e.action().equals("trace-resolve")).toList();
        assertThat(resolutions).hasSize(resolved.size());
        assertThat(entries).hasSize(resolved.size() + 1);
        List<String> mismatches = new ArrayList<>();
        for (Contact k : resolved) {
            List<AuditLog.Entry> forContact = resolutions.stream()
                    .filter(e -> e.subject().equals(k.identity()))
                    .toList();
            if (forContact.size() != 1) {
                mismatches.add(forContact.size() + " audit entries for " + k.identity());
                continue;
            }
            AuditLog.Entry e = forContact.getFirst();
            List<Map<String, Object>> visits = k.encounters().stream()
                    .map(x -> Map.<String, Object>of(
                            "venueId",
                            x.venueId(),
                            "caseVisitAt",
                            x.caseVisitAt().toString(),
                            "contactVisitAt",
                            x.contactVisitAt().toString(),
                            "channel",
                            x.channel().name()))
                    .toList();
            if (!e.actor().equals(TRACER)
                    || !result.request().caseId().equals(e.detail().get("caseId"))
                    || !result.request().reason().equals(e.detail().get("reason"))
                    || !visits.equals(e.detail().get("visits"))
                    || !k.resolution().id().equals(e.detail().get("resolution"))) {
                mismatches.add("audit entry differs for " + k.identity() + ": " + e);
            }
        }
        assertThat(mismatches).isEmpty();
    }

    static List<AuditLog.Entry> auditOf(String subject) {
        return allAudit().stream().filter(e -> subject.equals(e.subject())).toList();
    }

    static List<AuditLog.Entry> allAudit() {
        return audit.read(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), 100_000);
    }
}
