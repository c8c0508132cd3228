-- Issue 12: the credential follows the status the same day; revocation is honoured everywhere; decrees are data
-- the centre publishes at runtime.

-- The ledger is keyed by what a credential asserts, not by the day alone: `assertion` is SHA-256 over the status,
-- its window, the medical rule set (and its published version) and the display hint. A PCR negative at 09:30
-- changes the assertion, so the 09:31 request issues afresh; an unchanged status is served again from the ledger.
-- `generation` numbers the credentials of one (person, device, assertion, day) when one had to be replaced (it
-- expired early under a short lifetime, or its serial was revoked); the newest generation is served.
alter table issuance add column assertion bytea not null default '\x'::bytea;
alter table issuance add column generation smallint not null default 0;
-- Earlier rows keep the empty assertion, which no request computes, so they are never served again.
drop index issuance_once_per_day;
create unique index issuance_once_per_assertion
    on issuance (person_id, device_key_hash, assertion, issue_day, generation);
-- The daily device count and the newest credential of a device read (person_id, issue_day).
create index issuance_person_day on issuance (person_id, issue_day);

-- What a credential was decided on, so that asking again costs one query and no registry read (ADR 13): the
-- person's registry revision and the medical rules version it was decided under, the instant its status was decided
-- for, and the earliest later instant at which the answer may differ (null: no change known). While all of these
-- still hold, the answer is the same and the credential is served again.
alter table issuance add column registry_revision bigint not null default -1;
alter table issuance add column rules_version bigint not null default -1;
alter table issuance add column decided_at timestamptz;
alter table issuance add column decided_until timestamptz;
-- The medical rule set and the explanation the holder is shown, so a credential served again says why, as it did.
alter table issuance add column rule_set text not null default '';
alter table issuance add column explanation_ko text not null default '';
alter table issuance add column explanation_en text not null default '';

-- The registry revision: any change to a person's record (a dose, a test, a recovery, an exemption, a correction of
-- name, birth date or phone) gives the person a new revision. Row triggers, so an import pays one small UPDATE per
-- changed row; an unchanged re-import changes nothing (the upserts skip identical rows).
create sequence registry_revision;
alter table person add column revision bigint not null default 0;

create function person_revision_on_change() returns trigger language plpgsql as $$
begin
    new.revision := nextval('registry_revision');
    return new;
end;
$$;
create trigger person_revision before update on person for each row
    when ((old.name, old.birth_date, old.phone) is distinct from (new.name, new.birth_date, new.phone))
    execute function person_revision_on_change();

-- A person row this transaction wrote already (inserted, or its revision bumped) needs no second bump: a new person
-- has no credential to invalidate, and a bumped revision already differs from every one on record. This keeps a first
-- bulk import, where every dose follows its person in the same transaction, from rewriting each person per dose.
create function person_revision_of_record() returns trigger language plpgsql as $$
begin
    update person set revision = nextval('registry_revision')
        where person_id = case when tg_op = 'DELETE' then old.person_id else new.person_id end
          and xmin::text::bigint <> txid_current() % 4294967296;
    return null;
end;
$$;
create trigger immunization_revision after insert or update or delete on immunization for each row
    execute function person_revision_of_record();
create trigger test_result_revision after insert or update or delete on test_result for each row
    execute function person_revision_of_record();
create trigger recovery_revision after insert or update or delete on recovery for each row
    execute function person_revision_of_record();
create trigger exemption_revision after insert or update or delete on exemption for each row
    execute function person_revision_of_record();

-- A revoked person: never served or issued again, on any device or as a static pass, until an issuer-admin lifts
-- it (with a reason, audited). The rows stay as the history of who revoked and who lifted.
create table person_revocation (
    id          bigserial primary key,
    person_id   text not null,
    reason      text not null,
    revoked_at  timestamptz not null,
    revoked_by  text not null,
    lifted_at   timestamptz,
    lifted_by   text,
    lift_reason text,
    check ((lifted_at is null) = (lifted_by is null) and (lifted_at is null) = (lift_reason is null))
);
-- At most one revocation in force per person.
create unique index person_revocation_in_force on person_revocation (person_id) where lifted_at is null;

-- Published decrees: each publication is a complete rules document (venue or medical), versioned. The newest
-- version of each kind is in force on every node; earlier versions stay as the history.
create table rules_version (
    kind         text not null check (kind in ('venue', 'medical')),
    version      bigint not null check (version >= 1),
    published_at timestamptz not null,
    published_by text not null,
    summary      text not null,
    document     jsonb not null,
    primary key (kind, version)
);
