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
-- The daily device count reads (person_id, issue_day).
create index issuance_person_day on issuance (person_id, issue_day);

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
