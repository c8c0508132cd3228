package io.checkpass.server.tracing;

import io.checkpass.core.pass.Serial;
import io.checkpass.core.registry.PersonId;
import io.checkpass.core.registry.PhoneNumber;
import io.checkpass.server.tracing.ContactResolver.CoVisit;
import io.checkpass.server.tracing.TraceResult.CaseVisit;
import io.checkpass.server.visits.CheckIn.Channel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The SQL of a trace, on the trace's own two connections: one as the identity role (registry and issuance ledger),
 * one as the visits role (the visit log), each in a repeatable-read transaction. No query joins the two sides
 * (docs/adr/0016): the visit log gives serials and sealed contacts, then the ledger and the registry name the persons
 * of those serials. It decides nothing.
 */
final class TraceQueries {
    /** The identity side: registry, ledger. */
    private final Connection c;
    /** The visits side: check-ins, venues. */
    private final Connection v;

    TraceQueries(Connection identity, Connection visits) {
        this.c = identity;
        this.v = visits;
    }

    /** What the registry holds for a person id: no such person, a person without a phone, or their phone as stored. */
    sealed interface RegisteredPhone {
        /** The registry holds no person with this id. */
        record NoSuchPerson() implements RegisteredPhone {}

        /** The person exists and has no phone on record. */
        record NoPhone() implements RegisteredPhone {}

        /** The person's phone as the registry stores it: free text, which need not be a number. */
        record Phone(String asStored) implements RegisteredPhone {}
    }

    RegisteredPhone phoneOf(PersonId person) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select phone from person where person_id = ?")) {
            q.setString(1, person.value());
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    return new RegisteredPhone.NoSuchPerson();
                }
                String phone = r.getString(1);
                return phone == null ? new RegisteredPhone.NoPhone() : new RegisteredPhone.Phone(phone);
            }
        }
    }

    /** The persons the ledger issued this serial to (one, unless the ledger is odd), with their phones as stored. */
    Map<String, Optional<String>> holdersOf(Serial serial) throws SQLException {
        Map<String, Optional<String>> holders = new LinkedHashMap<>();
        try (PreparedStatement q = c.prepareStatement(
                "select i.person_id, p.phone from issuance i join person p using (person_id) where i.serial = ?")) {
            q.setBytes(1, serial.bytes());
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    holders.put(r.getString(1), Optional.ofNullable(r.getString(2)));
                }
            }
        }
        return holders;
    }

    /**
     * The registry persons with this number, however it is written there. {@code canonical_phone} is the SQL twin
     * of {@link PhoneNumber#parse} (migration V5), and the index {@code person_phone_canonical} is on the same
     * expression, so this is an index scan.
     */
    Set<String> personsWithPhone(PhoneNumber phone) throws SQLException {
        Set<String> persons = new LinkedHashSet<>();
        try (PreparedStatement q =
                c.prepareStatement("select person_id from person where canonical_phone(phone) = ?")) {
            q.setString(1, phone.digits());
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    persons.add(r.getString(1));
                }
            }
        }
        return persons;
    }

    /** The serials the ledger issued to these persons that were alive (issued, not yet expired) in [from, to). */
    List<byte[]> serialsIssuedTo(Collection<String> persons, Instant from, Instant to) throws SQLException {
        List<byte[]> serials = new ArrayList<>();
        if (persons.isEmpty()) {
            return serials;
        }
        try (PreparedStatement q = c.prepareStatement(
                "select serial from issuance where person_id = any(?) and expires_at > ? and issued_at < ?")) {
            q.setArray(1, c.createArrayOf("text", persons.toArray()));
            q.setTimestamp(2, Timestamp.from(from));
            q.setTimestamp(3, Timestamp.from(to));
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    serials.add(r.getBytes(1));
                }
            }
        }
        return serials;
    }

    /**
     * Every serial the ledger issued to these persons, whenever: a co-visit under any of them is the case's own. The
     * visit log cannot ask the ledger (no join across the sides), so it is given them.
     */
    List<byte[]> allSerialsOf(Collection<String> persons) throws SQLException {
        List<byte[]> serials = new ArrayList<>();
        if (persons.isEmpty()) {
            return serials;
        }
        try (PreparedStatement q = c.prepareStatement("select serial from issuance where person_id = any(?)")) {
            q.setArray(1, c.createArrayOf("text", persons.toArray()));
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    serials.add(r.getBytes(1));
                }
            }
        }
        return serials;
    }

    /** Whom the ledger issued a serial to, with the registry's name and phone for that person. */
    record Holder(String personId, String name, String phone) {}

    /** The holders of these serials, by serial in hex; serials the ledger does not know are absent. */
    Map<String, Holder> holdersOf(Collection<byte[]> serials) throws SQLException {
        Map<String, Holder> holders = new LinkedHashMap<>();
        if (serials.isEmpty()) {
            return holders;
        }
        try (PreparedStatement q = c.prepareStatement("""
                select i.serial, i.person_id, p.name, p.phone
                from issuance i left join person p on p.person_id = i.person_id
                where i.serial = any(?)""")) {
            q.setArray(1, c.createArrayOf("bytea", serials.toArray(byte[][]::new)));
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    holders.put(
                            HexFormat.of().formatHex(r.getBytes(1)),
                            new Holder(r.getString(2), r.getString(3), r.getString(4)));
                }
            }
        }
        return holders;
    }

    /** Check-ins in [from, to) with one of these serials or contact HMACs, oldest first, at most {@code limit}. */
    List<CaseVisit> visitsOf(List<byte[]> serials, List<byte[]> hmacs, Instant from, Instant to, int limit)
            throws SQLException {
        List<CaseVisit> visits = new ArrayList<>();
        try (PreparedStatement q = v.prepareStatement("""
                select k.checkin_id, k.venue_id, v.name, k.scanned_at, k.channel
                from checkin k left join venue v on v.venue_id = k.venue_id
                where k.scanned_at >= ? and k.scanned_at < ? and (k.serial = any(?) or k.contact_hmac = any(?))
                order by k.scanned_at, k.checkin_id
                limit ?""")) {
            q.setTimestamp(1, Timestamp.from(from));
            q.setTimestamp(2, Timestamp.from(to));
            q.setArray(3, v.createArrayOf("bytea", serials.toArray(byte[][]::new)));
            q.setArray(4, v.createArrayOf("bytea", hmacs.toArray(byte[][]::new)));
            q.setInt(5, limit);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    visits.add(new CaseVisit(
                            r.getObject(1, UUID.class),
                            r.getString(2),
                            Optional.ofNullable(r.getString(3)),
                            r.getTimestamp(4).toInstant(),
                            Channel.valueOf(r.getString(5))));
                }
            }
        }
        return visits;
    }

    /**
     * Every other check-in at a case visit's venue within the dwell of it, at most {@code limit}, in one query that
     * walks {@code checkin_venue_time} once per case visit; the outer time bounds let the planner skip partitions.
     * Check-ins with one of the case's own serials or contact HMACs are not co-visits. The rows come without persons:
     * {@link #withHolders} adds them from the identity side.
     *
     * @param caseVisits oldest first
     * @param ownSerials every serial of the case's persons, so that the case's other passes are not co-visitors
     */
    List<CoVisit> coVisits(
            List<CaseVisit> caseVisits, Duration dwell, List<byte[]> ownSerials, List<byte[]> ownHmacs, int limit)
            throws SQLException {
        List<CoVisit> rows = new ArrayList<>();
        if (caseVisits.isEmpty()) {
            return rows;
        }
        Map<UUID, CaseVisit> byId = new LinkedHashMap<>();
        caseVisits.forEach(cv -> byId.put(cv.checkinId(), cv));
        Instant first = caseVisits.getFirst().at();
        Instant last = caseVisits.getLast().at();
        try (PreparedStatement q = v.prepareStatement("""
                select cv.checkin_id, o.checkin_id, o.scanned_at, o.channel, o.serial, o.pass_ref, o.contact_hmac, o.contact_enc,
                       o.verdict
                from unnest(?::uuid[], ?::text[], ?::timestamptz[]) as cv (checkin_id, venue_id, at)
                join checkin o on o.venue_id = cv.venue_id
                              and o.scanned_at > cv.at - ? * interval '1 minute'
                              and o.scanned_at < cv.at + ? * interval '1 minute'
                where o.scanned_at > ? and o.scanned_at < ?
                  and (o.serial is null or not o.serial = any(?))
                  and (o.contact_hmac is null or not o.contact_hmac = any(?))
                order by o.scanned_at, o.checkin_id, cv.at
                limit ?""")) {
            q.setArray(
                    1,
                    v.createArrayOf(
                            "uuid",
                            caseVisits.stream().map(CaseVisit::checkinId).toArray()));
            q.setArray(
                    2,
                    v.createArrayOf(
                            "text", caseVisits.stream().map(CaseVisit::venueId).toArray()));
            q.setArray(
                    3,
                    v.createArrayOf(
                            "timestamptz",
                            caseVisits.stream()
                                    .map(cv -> Timestamp.from(cv.at()))
                                    .toArray()));
            q.setLong(4, dwell.toMinutes());
            q.setLong(5, dwell.toMinutes());
            q.setTimestamp(6, Timestamp.from(first.minus(dwell)));
            q.setTimestamp(7, Timestamp.from(last.plus(dwell)));
            q.setArray(8, v.createArrayOf("bytea", ownSerials.toArray(byte[][]::new)));
            q.setArray(9, v.createArrayOf("bytea", ownHmacs.toArray(byte[][]::new)));
            q.setInt(10, limit);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    rows.add(new CoVisit(
                            byId.get(r.getObject(1, UUID.class)),
                            r.getObject(2, UUID.class),
                            r.getTimestamp(3).toInstant(),
                            Channel.valueOf(r.getString(4)),
                            r.getBytes(5),
                            r.getString(6),
                            r.getBytes(7),
                            r.getBytes(8),
                            r.getString(9),
                            null,
                            null,
                            null));
                }
            }
        }
        return rows;
    }

    /**
     * The co-visits with the persons the ledger issued their serials to (the second step of a trace), without those
     * that belong to one of the case's own persons.
     */
    List<CoVisit> withHolders(List<CoVisit> rows, Collection<String> ownPersons) throws SQLException {
        List<byte[]> serials = rows.stream()
                .map(CoVisit::serial)
                .filter(java.util.Objects::nonNull)
                .toList();
        Map<String, Holder> holders = holdersOf(serials);
        List<CoVisit> named = new ArrayList<>(rows.size());
        for (CoVisit row : rows) {
            Holder holder =
                    row.serial() == null ? null : holders.get(HexFormat.of().formatHex(row.serial()));
            if (holder == null) {
                named.add(row);
            } else if (!ownPersons.contains(holder.personId())) {
                named.add(new CoVisit(
                        row.caseVisit(),
                        row.checkinId(),
                        row.at(),
                        row.channel(),
                        row.serial(),
                        row.passRef(),
                        row.contactHmac(),
                        row.contactSealed(),
                        row.verdict(),
                        holder.personId(),
                        holder.name(),
                        holder.phone()));
            }
        }
        return named;
    }
}
