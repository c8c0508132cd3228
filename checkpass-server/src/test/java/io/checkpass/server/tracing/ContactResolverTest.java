package io.checkpass.server.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.checkpass.core.registry.PhoneNumber;
import io.checkpass.server.tracing.ContactResolver.CoVisit;
import io.checkpass.server.tracing.TraceResult.CaseVisit;
import io.checkpass.server.tracing.TraceResult.Contact;
import io.checkpass.server.tracing.TraceResult.Encounter;
import io.checkpass.server.tracing.TraceResult.Resolution;
import io.checkpass.server.visits.CheckIn.Channel;
import io.checkpass.server.visits.ContactCipher;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The resolver alone, on hand-made co-visit rows: no database, the rows are what {@link TraceQueries} would return. */
class ContactResolverTest {
    static final Instant NOON = Instant.parse("2021-12-13T03:00:00Z");
    static final Duration DWELL = Duration.ofMinutes(60);
    static final CaseVisit CAFE = new CaseVisit(UUID.randomUUID(), "cafe-1", Optional.of("카페"), NOON, Channel.QR);
    static final CaseVisit GYM =
            new CaseVisit(UUID.randomUUID(), "gym-1", Optional.empty(), NOON.plus(Duration.ofHours(5)), Channel.QR);

    final ContactCipher cipher = cipher();
    final ContactResolver resolver = new ContactResolver(cipher);

    @Test
    void rows_of_one_identity_become_one_contact_and_contacts_come_resolved_first_then_by_first_encounter() {
        byte[] serial = bytes(12, 1);
        PhoneNumber caller = PhoneNumber.parse("010-2222-3333").orElseThrow();
        byte[] hmac = cipher.hmac(caller);
        byte[] sealed = cipher.seal(caller, Optional.of("홍길동"), hmac);
        List<CoVisit> rows = List.of(
                row(
                        CAFE,
                        NOON.minusSeconds(600),
                        Channel.QR,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null), // nothing to go on
                row(CAFE, NOON.plusSeconds(60), Channel.QR, serial, null, null, null, "P1", "김민수", "+82 10-1111-2222"),
                row(CAFE, NOON.plusSeconds(120), Channel.CALL, null, null, hmac, sealed, null, null, null),
                row(
                        CAFE,
                        NOON.plusSeconds(180),
                        Channel.QR,
                        bytes(12, 9),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null), // serial unknown to the ledger
                row(
                        GYM,
                        GYM.at().minusSeconds(30),
                        Channel.QR,
                        bytes(12, 2),
                        null,
                        null,
                        null,
                        "P1",
                        "김민수",
                        "+82 10-1111-2222"),
                row(GYM, GYM.at().plusSeconds(30), Channel.QR, null, "URN:UVCI:01:SE:X", null, null, null, null, null));

        List<Contact> contacts = resolver.resolve(UUID.randomUUID(), DWELL, rows);

        assertThat(contacts)
                .extracting(Contact::identity, Contact::resolution, Contact::personId, Contact::name, Contact::phone)
                .containsExactly(
                        tuple(
                                "person:P1",
                                Resolution.LEDGER,
                                Optional.of("P1"),
                                Optional.of("김민수"),
                                Optional.of("01011112222")),
                        tuple(
                                ContactResolver.contactIdentity(hmac),
                                Resolution.CONTACT,
                                Optional.empty(),
                                Optional.of("홍길동"),
                                Optional.of("01022223333")),
                        tuple(
                                "checkin:" + rows.get(0).checkinId(),
                                Resolution.NO_IDENTIFIER,
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty()),
                        tuple(
                                "serial:" + "09".repeat(12),
                                Resolution.NOT_IN_LEDGER,
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty()),
                        tuple(
                                "pass-ref:URN:UVCI:01:SE:X",
                                Resolution.FOREIGN_PASS,
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty()));
        assertThat(contacts.getFirst().encounters())
                .extracting(Encounter::venueId, Encounter::overlap)
                .containsExactly(tuple("cafe-1", DWELL.minusSeconds(60)), tuple("gym-1", DWELL.minusSeconds(30)));
    }

    @Test
    void a_registry_phone_that_is_no_number_is_reported_as_stored() {
        List<Contact> contacts = resolver.resolve(
                UUID.randomUUID(),
                DWELL,
                List.of(row(
                        CAFE, NOON, Channel.QR, bytes(12, 3), null, null, null, "P2", "이서연", "ask at the front desk")));

        assertThat(contacts).extracting(Contact::phone).containsExactly(Optional.of("ask at the front desk"));
    }

    @Test
    void a_contact_that_does_not_decrypt_is_unresolved_under_its_own_check_in() {
        PhoneNumber caller = PhoneNumber.parse("01044445555").orElseThrow();
        byte[] hmac = cipher.hmac(caller);
        byte[] sealed = cipher.seal(caller, Optional.empty(), hmac);
        sealed[sealed.length - 1] ^= 1;
        CoVisit altered = row(CAFE, NOON, Channel.MANUAL, null, null, hmac, sealed, null, null, null);
        CoVisit unsealed = row(CAFE, NOON.plusSeconds(1), Channel.CALL, null, null, hmac, null, null, null, null);

        List<Contact> contacts = resolver.resolve(UUID.randomUUID(), DWELL, List.of(altered, unsealed));

        assertThat(contacts)
                .extracting(Contact::identity, Contact::resolution)
                .containsExactly(
                        tuple("checkin:" + altered.checkinId(), Resolution.UNDECRYPTABLE),
                        tuple("checkin:" + unsealed.checkinId(), Resolution.UNDECRYPTABLE));
    }

    @Test
    void a_caller_named_only_on_a_later_entry_gets_that_name() {
        PhoneNumber caller = PhoneNumber.parse("01066667777").orElseThrow();
        byte[] hmac = cipher.hmac(caller);
        List<CoVisit> rows = List.of(
                row(
                        CAFE,
                        NOON,
                        Channel.CALL,
                        null,
                        null,
                        hmac,
                        cipher.seal(caller, Optional.empty(), hmac),
                        null,
                        null,
                        null),
                row(
                        CAFE,
                        NOON.plusSeconds(5),
                        Channel.MANUAL,
                        null,
                        null,
                        hmac,
                        cipher.seal(caller, Optional.of("박지훈"), hmac),
                        null,
                        null,
                        null));

        List<Contact> contacts = resolver.resolve(UUID.randomUUID(), DWELL, rows);

        assertThat(contacts).singleElement().satisfies(k -> {
            assertThat(k.name()).contains("박지훈");
            assertThat(k.encounters()).hasSize(2);
        });
    }

    private static CoVisit row(
            CaseVisit caseVisit,
            Instant at,
            Channel channel,
            byte[] serial,
            String passRef,
            byte[] hmac,
            byte[] sealed,
            String personId,
            String personName,
            String personPhone) {
        return new CoVisit(
                caseVisit,
                UUID.randomUUID(),
                at,
                channel,
                serial,
                passRef,
                hmac,
                sealed,
                "ADMIT",
                personId,
                personName,
                personPhone);
    }

    private static byte[] bytes(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static ContactCipher cipher() {
        try {
            return ContactCipher.open(
                    Path.of("unused"), Optional.of(Base64.getEncoder().encodeToString(bytes(64, 7))));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
