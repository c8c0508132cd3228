-- The signing keys' lifecycle, which every centre node reads (docs/adr/0014-key-rotation.md). The private halves stay
-- in the key vault (PKCS#12 in the keys directory, or an HSM) under `alias`; this table says which key signs what,
-- and when, so all nodes agree. The certificate (public half) is here so any node can list the key in a bundle.
create table signing_key (
    kid            bytea primary key check (length(kid) = 8),
    alias          text not null unique,
    role           text not null check (role in ('issuer', 'bundle')),
    certificate    bytea not null,
    created_at     timestamptz not null,
    -- issuer: the first issued-at it signs (its window's start); bundle: the first instant it signs bundles
    active_from    timestamptz not null,
    -- issuer: the last issued-at it signs (the rotation instant), null while current; bundle: unused
    active_until   timestamptz,
    revoked_at     timestamptz,
    revoked_by     text,
    revoked_reason text,
    check (active_until is null or active_until >= active_from),
    check ((revoked_at is null) = (revoked_by is null))
);
