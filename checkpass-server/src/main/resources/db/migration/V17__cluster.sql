-- Issue 17, several centre nodes on one database (docs/adr/0021-stateless-nodes-and-ha.md).
--
-- 안심콜 calls, agreed by every node. A trunk that re-sends an INVITE (a new branch after a timeout, a proxy
-- failing over to another node behind the balancer) must log one check-in, not one per node that hears it. The
-- first node to hear a call (Call-ID + From tag, hashed) records which check-in id and scan time it logs; every
-- later copy, on any node, logs that same check-in, and the visit log's idempotency on (id, scanned_at) stores it
-- once. Rows live for sip call memory (minutes) and are deleted by the node that writes them. No person, no number:
-- only a hash of the call's identifiers.
create table visits.call_in (
    call_key    bytea primary key,     -- SHA-256(Call-ID "\n" From tag)
    checkin_id  uuid not null,
    scanned_at  timestamptz not null
);
create index call_in_scanned_at on visits.call_in (scanned_at);
grant select, insert, update, delete on visits.call_in to ${visits_role};
