-- The door log proves diligence (issue 16, docs/compliance.md, docs/adr/0019).
--
-- 1. Every check-in says under which venue type and which rule set the scanner judged it, and (for the page
--    scanner) which trust bundle carried those rules. All three are optional: a scanner of an older version sends
--    none of them and keeps working; the compliance summary counts such checks as "type not recorded".
--    Adding nullable columns without defaults rewrites no partition: it is instant on a full visit log.
alter table visits.checkin
    add column venue_type     text check (venue_type is null or venue_type ~ '^[a-z0-9_]{1,40}$'),
    add column rule_set       text check (rule_set is null or length(rule_set) between 1 and 64),
    add column bundle_version bigint check (bundle_version is null or bundle_version >= 0);

-- 2. When the centre itself was degraded: load shedding, requests failed because the database did, the readiness
--    probe failing. One row per interval and cause, written on transitions (never per request) by the node that saw
--    it; ended_at stays null while it lasts. A node that stopped while degraded closes its open intervals when it
--    starts again (closed_by = 'restart'): it was degraded at least until then.
--    It lives with the visit log because the door's compliance summary reads it next to the check-ins; it names
--    nobody.
create table visits.centre_degraded (
    id          bigint generated always as identity primary key,
    node        text not null,
    cause       text not null check (cause in ('load-shedding', 'storage-unavailable', 'not-ready')),
    started_at  timestamptz not null,
    ended_at    timestamptz check (ended_at is null or ended_at >= started_at),
    events      bigint not null default 1,
    detail      text not null default '',
    closed_by   text check (closed_by is null or closed_by in ('recovered', 'restart', 'shutdown'))
);
create index centre_degraded_time on visits.centre_degraded (started_at, ended_at);
create index centre_degraded_open on visits.centre_degraded (node) where ended_at is null;

grant select, insert, update on visits.centre_degraded to ${visits_role};
-- The identity side (issue 16b's inspections run there) may ask whether the centre was degraded, nothing more.
grant select on visits.centre_degraded to ${identity_role};
