-- Inspections and fines (issue 16, docs/adr/0020-inspections-and-fines.md).
--
-- Venues carry what a district office needs: the 시·군·구 they are in (the 5-digit administrative code and its
-- name), and who answers for them (the operator's name and phone). Columns stay nullable: venues registered before
-- this migration have none until an issuer-admin imports them again (docs/operations.md, "Importing venues").
alter table visits.venue
    add column district_code  text check (district_code ~ '^[0-9]{5}$'),
    add column district_name  text check (char_length(district_name) between 1 and 100),
    add column operator_name  text check (char_length(operator_name) between 1 and 100),
    -- canonical digits, as PhoneNumber reads them
    add column operator_phone text check (operator_phone ~ '^[0-9]{7,15}$');
-- An inspector searches the venues of their district by name.
create index venue_district_name on visits.venue (district_code, name);

-- An inspector (district officer) acts within one district. The scope is a row of its own rather than a column of
-- api_client: it belongs to the inspector role only, and a change of district is an audited act of its own.
create table inspector_scope (
    client_id      text primary key references api_client (client_id),
    district_code  text not null check (district_code ~ '^[0-9]{5}$'),
    district_name  text not null check (char_length(district_name) between 1 and 100),
    assigned_at    timestamptz not null default now()
);

-- Inspections, violations and their fines name persons (a user violation is the person whose ID the inspector
-- checked), so they live on the identity side (docs/adr/0016); the identity role reads venues already (V12).
create table identity.inspection (
    inspection_id   uuid primary key,
    venue_id        text not null,
    district_code   text,
    inspector_id    text not null,
    inspected_at    timestamptz not null,
    findings        text[] not null,
    note            text not null default '' check (char_length(note) <= 1000),
    -- what the door log said, and whether the centre was degraded, over the hours before the inspection
    door_from       timestamptz not null,
    door_to         timestamptz not null,
    centre_degraded boolean not null
);
create index inspection_district_at on identity.inspection (district_code, inspected_at);

-- A violation and the sanction the schedule set for it: one fine each, and for an operator an administrative order.
create table identity.violation (
    violation_id      uuid primary key,
    inspection_id     uuid not null references identity.inspection (inspection_id),
    kind              text not null check (kind in ('user', 'operator')),
    venue_id          text not null,
    district_code     text,
    -- the user's registry id (kind user), checked against this ID document on site
    person_id         text,
    id_document       text,
    occurred_at       timestamptz not null,
    schedule_version  text not null,
    repeat_number     int not null check (repeat_number >= 1),
    fine_krw          bigint not null check (fine_krw >= 0),
    order_code        text,
    order_period      text,
    -- set when the centre itself was degraded at the time: the void the schedule's reader suggests
    void_suggested    text,
    voided_at         timestamptz,
    voided_by         text,
    void_reason       text check (char_length(void_reason) between 1 and 500),
    check ((kind = 'user') = (person_id is not null)),
    check ((voided_at is null) = (void_reason is null) and (voided_at is null) = (voided_by is null))
);
-- Repeat counting: earlier violations of the same venue (operator) or person (user) within the schedule's window.
create index violation_venue_at on identity.violation (venue_id, occurred_at) where kind = 'operator';
create index violation_person_at on identity.violation (person_id, occurred_at) where kind = 'user';
create index violation_district_at on identity.violation (district_code, occurred_at);

-- Violations are never deleted; the one change is a void, made once.
create function identity.violation_void_once() returns trigger language plpgsql as $$
begin
    if old.voided_at is not null then
        raise exception 'violation % is already void', old.violation_id;
    end if;
    if (new.violation_id, new.inspection_id, new.kind, new.venue_id, new.district_code, new.person_id,
            new.id_document, new.occurred_at, new.schedule_version, new.repeat_number, new.fine_krw, new.order_code,
            new.order_period, new.void_suggested)
        is distinct from
       (old.violation_id, old.inspection_id, old.kind, old.venue_id, old.district_code, old.person_id,
            old.id_document, old.occurred_at, old.schedule_version, old.repeat_number, old.fine_krw, old.order_code,
            old.order_period, old.void_suggested) then
        raise exception 'a violation changes only by being voided';
    end if;
    return new;
end;
$$;
create trigger violation_void_once before update on identity.violation
    for each row execute function identity.violation_void_once();

grant select, insert on identity.inspection to ${identity_role};
grant select, insert on identity.violation to ${identity_role};
grant update (voided_at, voided_by, void_reason) on identity.violation to ${identity_role};
grant select, insert, update on inspector_scope to ${identity_role};
-- The visits role imports venues (COPY into a staging table of its session, then insert or update): V9 granted it.
