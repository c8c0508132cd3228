-- The audit log becomes a hash chain: each entry commits to the one before, so a row changed or deleted by
-- someone who can get past the append-only trigger (a superuser) is found by `checkpass audit verify`.
--
--   hash = SHA-256( prev_hash ‖ at (µs since the epoch, 8 bytes) ‖ actor ‖ 0 ‖ action ‖ 0 ‖ subject_sha256 ‖ detail_sha256 )
--
-- The entry's subject and detail enter the hash through their own digests (of the subject's UTF-8 bytes, and of
-- the detail as canonical JSON: object keys sorted, no spaces), kept beside them. That is what lets identity
-- details be pseudonymised after the visits' retention without breaking the chain: the digests stay, the text
-- changes, and verification then checks the chain over the digests of such an entry (docs/operations.md).
--
-- Entries written before this migration have no hash; verification starts at the first one that has.
alter table audit_log
    add column subject_sha256 bytea,
    add column detail_sha256  bytea,
    add column prev_hash      bytea,
    add column hash           bytea;

-- The chain's head: one row, locked by each writer for the length of its transaction, so two transactions can
-- never both extend the same entry (a fork).
create table audit_chain_head (
    id        int primary key check (id = 1),
    last_id   bigint,
    last_hash bytea not null
);
insert into audit_chain_head (id, last_id, last_hash) values (1, null, decode(repeat('00', 32), 'hex'));
