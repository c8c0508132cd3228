-- The centre's system of record (issue 3). PostgreSQL 15+ only.

-- Health registry ------------------------------------------------------------------------------------------
-- Natural keys make re-imports idempotent: importing the same file twice changes nothing.

create table person (
    person_id   text primary key,
    name        text not null,
    birth_date  date not null,
    phone       text,
    updated_at  timestamptz not null default now()
);

create table immunization (
    person_id    text not null references person (person_id) on delete cascade,
    dose_number  smallint not null check (dose_number between 1 and 9),
    given_on     date not null,
    product      text not null,
    primary key (person_id, dose_number)
);

create table test_result (
    person_id  text not null references person (person_id) on delete cascade,
    result_at  timestamptz not null,
    kind       text not null check (kind in ('PCR', 'RAPID_ANTIGEN')),
    positive   boolean not null,
    primary key (person_id, result_at, kind)
);

create table recovery (
    person_id    text not null references person (person_id) on delete cascade,
    released_on  date not null,
    primary key (person_id, released_on)
);

create table exemption (
    person_id    text not null references person (person_id) on delete cascade,
    valid_from   date not null,
    valid_until  date not null,
    reason       text not null,
    primary key (person_id, valid_from),
    check (valid_until >= valid_from)
);

-- API clients and operators ---------------------------------------------------------------------------------
-- Secrets are 256-bit random tokens, so a single SHA-256 is the right hash: there is nothing to brute-force,
-- and a slow KDF would cap issuance throughput (docs/adr/0006).

create table api_client (
    client_id    text primary key check (client_id ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    display_name text not null,
    roles        text[] not null,
    secret_sha256 bytea not null check (octet_length(secret_sha256) = 32),
    created_at   timestamptz not null default now(),
    disabled     boolean not null default false
);

-- Issuance ledger: the only place a serial meets a person ---------------------------------------------------

create table issuance (
    serial          bytea primary key check (octet_length(serial) = 12),
    person_id       text not null references person (person_id) on delete cascade,
    client_id       text not null,
    -- SHA-256 of the device key's compressed point; 32 zero bytes for a static pass.
    device_key_hash bytea not null check (octet_length(device_key_hash) = 32),
    -- The compressed device key itself, so issue-ahead can re-issue for the same device; null when static.
    device_key      bytea,
    issue_day       date not null,
    status          text not null,
    issued_at       timestamptz not null,
    expires_at      timestamptz not null,
    credential      bytea not null
);
-- "The same person, device and day return the same credential."
create unique index issuance_once_per_day on issuance (person_id, device_key_hash, issue_day);
create index issuance_person on issuance (person_id, issued_at);
create index issuance_expiry on issuance (expires_at);

create table revocation (
    serial      bytea primary key check (octet_length(serial) = 12),
    person_id   text,
    reason      text not null,
    revoked_at  timestamptz not null,
    revoked_by  text not null,
    -- After this instant the credential is expired anyway, and the bundle stops listing the serial.
    expires_at  timestamptz not null
);
create index revocation_expiry on revocation (expires_at);

-- Published trust bundles; the newest is served. -------------------------------------------------------------

create table trust_bundle (
    version     bigint primary key,
    created_at  timestamptz not null,
    signed      bytea not null,
    sha256      bytea not null
);

-- Append-only audit log -------------------------------------------------------------------------------------

create table audit_log (
    id       bigserial primary key,
    at       timestamptz not null,
    actor    text not null,
    action   text not null,
    subject  text,
    detail   jsonb not null default '{}'
);
create index audit_log_at on audit_log (at);

create function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_log is append-only: % is not allowed', tg_op;
end;
$$;
create trigger audit_log_append_only before update or delete or truncate on audit_log
    for each statement execute function audit_log_is_append_only();
