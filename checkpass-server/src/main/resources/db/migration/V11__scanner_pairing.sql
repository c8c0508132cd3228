-- Pairing a door tablet (docs/pages.md, "Pairing"): an issuer-admin makes a one-time code for a venue; the tablet
-- that presents it within its lifetime becomes a new scanner of that venue, and nobody ever types or sees a secret.
-- Only a hash of the code is kept: a dump of this table pairs nothing.
create table scanner_pairing (
    code_sha256  bytea primary key check (octet_length(code_sha256) = 32),
    venue_id     text not null,
    created_by   text not null,
    created_at   timestamptz not null,
    expires_at   timestamptz not null,
    claimed_at   timestamptz,
    scanner_id   text,
    check (expires_at > created_at)
);
create index scanner_pairing_expires on scanner_pairing (expires_at);
