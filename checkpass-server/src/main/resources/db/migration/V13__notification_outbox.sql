-- The notification outbox (issue 15, docs/adr/0017-notification-outbox.md): one row per message to one person on
-- one channel. Rows are on the identity side: they name a person and are addressed to the person's phone.
--
-- The unique key makes creation idempotent: a scheduler that runs again (or twice, on two nodes, or after a restart
-- halfway) finds the row already there. `subject` tells apart two messages of one kind on one day (two lab results,
-- two broadcasts); it is '' for reminders, which are one a day at most.
create table identity.notification (
    id                  bigint generated always as identity primary key,
    person_id           text not null references identity.person (person_id) on delete cascade,
    kind                text not null check (kind in ('expiry_reminder', 'booster_due', 'lab_result', 'decree')),
    due_date            date not null,
    channel             text not null check (channel in ('sms', 'push')),
    subject             text not null default '',
    template            text not null,
    params              jsonb not null default '{}'::jsonb,
    state               text not null default 'queued'
                            check (state in ('queued', 'sending', 'sent', 'delivered', 'failed', 'dead', 'suppressed')),
    -- lab results go out at once, even in quiet hours
    quiet_exempt        boolean not null,
    attempts            integer not null default 0,
    created_at          timestamptz not null,
    next_attempt_at     timestamptz not null,
    -- while 'sending': the dispatcher that claimed the row holds it until then; a node that died is taken over
    claimed_until       timestamptz,
    sent_at             timestamptz,
    finished_at         timestamptz,
    provider_message_id text,
    last_error          text,
    constraint notification_once unique (person_id, kind, due_date, channel, subject)
);

create index notification_due on identity.notification (next_attempt_at) where state = 'queued';
create index notification_claimed on identity.notification (claimed_until) where state = 'sending';
create index notification_provider on identity.notification (channel, provider_message_id)
    where provider_message_id is not null;
create index notification_person_sent on identity.notification (person_id, sent_at) where sent_at is not null;
create index notification_state on identity.notification (state, kind, channel);

-- Delivery receipts as the provider sent them. An SMSC may answer a message's receipt before the dispatcher has
-- stored the provider's id, so receipts are kept here and matched from both sides.
create table identity.notification_receipt (
    channel             text not null,
    provider_message_id text not null,
    delivered           boolean not null,
    detail              text not null,
    received_at         timestamptz not null,
    primary key (channel, provider_message_id)
);

-- A person's choices: opt-out per channel (absent = receives everything), and the language of messages.
create table identity.notification_preference (
    person_id    text primary key references identity.person (person_id) on delete cascade,
    sms_opt_out  boolean not null default false,
    push_opt_out boolean not null default false,
    locale       text not null default 'ko' check (locale in ('ko', 'en')),
    updated_at   timestamptz not null
);

-- Decree broadcasts as an issuer-admin sent them; each becomes one row per subscribed person and channel.
create table identity.notification_broadcast (
    id         bigint generated always as identity primary key,
    created_at timestamptz not null,
    actor      text not null,
    due_date   date not null,
    text_ko    text not null,
    text_en    text not null,
    queued     bigint not null
);

grant select, insert, update, delete on identity.notification, identity.notification_receipt,
    identity.notification_preference, identity.notification_broadcast to ${identity_role};
grant usage, select on all sequences in schema identity to ${identity_role};
