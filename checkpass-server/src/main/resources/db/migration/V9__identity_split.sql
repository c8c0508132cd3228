-- The identity split (docs/adr/0016): what names a person and what records a visit live in two schemas, read and
-- written by two login roles, so that neither one SQL join nor one role's dump ties a QR visit to a person. A trace
-- is the one place both meet: the tracer asks the visits side for serials and contacts, then the identity side for
-- persons, in two steps, and audits what it resolves.
--
--   identity  the registry (person, immunization, test_result, recovery, exemption), person_revocation, the
--             serial -> person ledger (issuance) and serial revocations: everything that names a person
--   visits    venue, scanner, checkin (partitioned by day) with its sealed contacts, fraud_signal: serials, HMACs
--             and ciphertext of contacts, venues; nothing that names a person
--   public    what both need: api_client, audit_log + audit_chain_head, trust_bundle, foreign_trust, rules_version,
--             canonical_phone; later migrations create their tables here too
--
-- ${identity_role} and ${visits_role} are the login roles (config database.identity-user / database.visits-user); they
-- exist before this runs (io.checkpass.server.db.DatabaseRoles). The owner, who runs the migrations, keeps owning
-- every table: neither role can alter a table, disable a trigger or drop what it does not own.

create schema identity;
create schema visits;

-- Identity ---------------------------------------------------------------------------------------------------------
alter table person set schema identity;
alter table immunization set schema identity;
alter table test_result set schema identity;
alter table recovery set schema identity;
alter table exemption set schema identity;
alter table person_revocation set schema identity;
alter table issuance set schema identity;
alter table revocation set schema identity;
alter sequence registry_revision set schema identity;
alter function person_revision_on_change() set schema identity;
alter function person_revision_of_record() set schema identity;
-- The triggers' functions name their tables and sequence unqualified: pin where they look, whoever writes.
alter function identity.person_revision_on_change() set search_path = identity, public, pg_temp;
alter function identity.person_revision_of_record() set search_path = identity, public, pg_temp;

-- Visits -----------------------------------------------------------------------------------------------------------
alter table venue set schema visits;
alter table scanner set schema visits;
alter table fraud_signal set schema visits;
-- A partitioned table moves alone: its partitions (checkin_default, checkin_pYYYYMMDD) follow one by one.
do $$
declare
    part record;
begin
    for part in
        select child.relname from pg_inherits
        join pg_class parent on parent.oid = pg_inherits.inhparent
        join pg_class child on child.oid = pg_inherits.inhrelid
        join pg_namespace ns on ns.oid = parent.relnamespace
        where parent.relname = 'checkin' and ns.nspname = 'public'
    loop
        execute format('alter table public.%I set schema visits', part.relname);
    end loop;
end;
$$;
alter table checkin set schema visits;

-- The visit log's day partitions are made and dropped at runtime by the visits role, which owns no table: it calls
-- these two functions, which run as their owner (SECURITY DEFINER) and do only that.

-- Makes the partition of one UTC day if it is missing, moving in the rows of that day that landed in the default
-- partition meanwhile; returns how many rows moved, or -1 if the partition was there.
create function visits.create_checkin_partition(day date) returns bigint
    language plpgsql security definer set search_path = visits, pg_temp as $$
declare
    part    text := 'checkin_p' || to_char(day, 'YYYYMMDD');
    from_at timestamptz := day::timestamp at time zone 'UTC';
    to_at   timestamptz := (day + 1)::timestamp at time zone 'UTC';
    moved   bigint := 0;
begin
    if to_regclass('visits.' || part) is not null then
        return -1;
    end if;
    if exists (select 1 from checkin_default where scanned_at >= from_at and scanned_at < to_at) then
        execute format('create table visits.%I (like checkin including defaults including constraints)', part);
        execute format('with moved as (delete from checkin_default where scanned_at >= %L and scanned_at < %L'
                       ' returning *) insert into visits.%I select * from moved', from_at, to_at, part);
        get diagnostics moved = row_count;
        execute format('alter table checkin attach partition visits.%I for values from (%L) to (%L)',
                       part, from_at, to_at);
    else
        execute format('create table visits.%I partition of checkin for values from (%L) to (%L)',
                       part, from_at, to_at);
    end if;
    return moved;
end;
$$;

-- Drops the partition of one UTC day (retention); returns how many rows went with it, or -1 if there was none.
create function visits.drop_checkin_partition(day date) returns bigint
    language plpgsql security definer set search_path = visits, pg_temp as $$
declare
    part text := 'checkin_p' || to_char(day, 'YYYYMMDD');
    counted bigint;
begin
    if to_regclass('visits.' || part) is null then
        return -1;
    end if;
    execute format('select count(*) from visits.%I', part) into counted;
    execute format('drop table visits.%I', part);
    return counted;
end;
$$;

revoke all on function visits.create_checkin_partition(date) from public;
revoke all on function visits.drop_checkin_partition(date) from public;

-- Grants: the least each role needs -------------------------------------------------------------------------------
grant usage on schema identity to ${identity_role};
grant select, insert, update, delete
    on identity.person, identity.immunization, identity.test_result, identity.recovery, identity.exemption,
       identity.person_revocation, identity.issuance, identity.revocation
    to ${identity_role};
grant usage, select on all sequences in schema identity to ${identity_role};

grant usage on schema visits to ${visits_role};
grant select, insert, update, delete on visits.venue, visits.scanner, visits.fraud_signal to ${visits_role};
-- Check-ins are never changed, only added and, after the retention, deleted.
grant select, insert, delete on visits.checkin to ${visits_role};
grant execute on function visits.create_checkin_partition(date), visits.drop_checkin_partition(date)
    to ${visits_role};

-- Common: API clients. The identity side authenticates and manages them; the visits side only adds a venue's scanner
-- (an API client, created with it) and reads none, not even the secrets' hashes.
grant select, insert, update, delete on api_client to ${identity_role};
grant insert on api_client to ${visits_role};
-- The audit log: both append (the chain head links each entry to the one before); neither deletes. Only the identity
-- side reads entries — they name persons (trace resolutions) until pseudonymised — and pseudonymises old ones (the
-- only UPDATE the trigger lets through), and only those columns. The visits side sees the id of what it appended.
grant select, insert on audit_log to ${identity_role};
grant update (subject, detail, pseudonymised_at) on audit_log to ${identity_role};
grant insert, select (id) on audit_log to ${visits_role};
grant usage, select on sequence audit_log_id_seq to ${identity_role}, ${visits_role};
grant select, update on audit_chain_head to ${identity_role}, ${visits_role};
-- Trust bundles list revoked serials, so the identity side publishes them; decrees and foreign trust too.
grant select, insert, delete on trust_bundle to ${identity_role};
grant select, insert, update on foreign_trust to ${identity_role};
grant select, insert on rules_version to ${identity_role};

-- A later migration's table in public is the identity side's to use unless that migration grants otherwise; the
-- visits side gets nothing it is not granted by name. Applies to what the owner running the migrations creates.
alter default privileges in schema public grant select, insert, update, delete on tables to ${identity_role};
alter default privileges in schema public grant usage, select on sequences to ${identity_role};
