-- Identity details in audit entries do not outlive the visits' retention: after it, the maintenance replaces an
-- entry's subject with a keyed pseudonym and drops the person ↔ venue ↔ time and person ↔ serial details from its
-- detail (counts stay). The hash chain (V6) covers subject and detail through their digests, which stay, so the
-- chain still verifies; `checkpass audit verify` then checks such an entry over its digests alone.
alter table audit_log add column pseudonymised_at timestamptz;

-- The log stays append-only but for that one change, once: an UPDATE may only set pseudonymised_at (from null)
-- and rewrite subject and detail with it; every other column must stay as it is. DELETE and TRUNCATE stay refused.
drop trigger audit_log_append_only on audit_log;
create trigger audit_log_no_delete before delete or truncate on audit_log
    for each statement execute function audit_log_is_append_only();

create function audit_log_only_pseudonymised() returns trigger language plpgsql as $$
begin
    if old.pseudonymised_at is null and new.pseudonymised_at is not null
       and new.id = old.id and new.at = old.at and new.actor = old.actor and new.action = old.action
       and new.subject_sha256 is not distinct from old.subject_sha256
       and new.detail_sha256 is not distinct from old.detail_sha256
       and new.prev_hash is not distinct from old.prev_hash and new.hash is not distinct from old.hash then
        return new;
    end if;
    raise exception 'audit_log is append-only: an entry may only be pseudonymised, once';
end;
$$;
create trigger audit_log_append_only before update on audit_log
    for each row execute function audit_log_only_pseudonymised();
