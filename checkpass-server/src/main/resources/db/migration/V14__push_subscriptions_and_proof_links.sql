-- Web Push subscriptions and SMS proof links (issue 15, docs/adr/0018). Both name a person, so both are the identity
-- side's (docs/adr/0016); the visits role is granted nothing here.

-- A wallet's Web Push subscription (RFC 8030/8291): where the push service takes messages for that browser, and the
-- browser's keys that encrypt them. The id is what the outbox stores as a PUSH address. A person's subscriptions go
-- with the person; a push service's 404/410 removes one (the browser dropped it).
create table identity.push_subscription (
    subscription_id text primary key check (subscription_id ~ '^[A-Za-z0-9_-]{22}$'),
    person_id       text not null references identity.person (person_id) on delete cascade,
    endpoint        text not null unique check (length(endpoint) <= 1024),
    p256dh          bytea not null check (octet_length(p256dh) = 65),
    auth            bytea not null check (octet_length(auth) = 16),
    language        text not null check (language in ('ko', 'en')),
    registered_by   text not null,
    created_at      timestamptz not null
);
create index push_subscription_person on identity.push_subscription (person_id);

-- A link an SMS carries to the person's paper pass. Only a hash of the token is kept: a dump of this table opens
-- nothing. It expires with the paper pass it was made for (the status window).
create table identity.proof_link (
    token_sha256 bytea primary key check (octet_length(token_sha256) = 32),
    person_id    text not null references identity.person (person_id) on delete cascade,
    created_at   timestamptz not null,
    expires_at   timestamptz not null,
    check (expires_at > created_at)
);
create index proof_link_person on identity.proof_link (person_id);
create index proof_link_expires on identity.proof_link (expires_at);

grant select, insert, update, delete on identity.push_subscription, identity.proof_link to ${identity_role};
