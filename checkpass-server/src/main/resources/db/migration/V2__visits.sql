-- Visits (issue 4): venues, scanners, the check-in log partitioned by day, fraud signals.

create table venue (
    venue_id         text primary key check (venue_id ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    business_number  text not null,
    name             text not null,
    address          text not null,
    region           text not null,
    venue_type       text not null,
    -- The venue's 안심콜 number (digits only), if it has one; a SIP INVITE to it logs a CALL check-in.
    call_number      text unique check (call_number ~ '^[0-9]{6,15}$'),
    created_at       timestamptz not null default now()
);

-- A scanner is an API client (role scanner) bound to one venue.
create table scanner (
    scanner_id  text primary key references api_client (client_id),
    venue_id    text not null references venue (venue_id),
    label       text not null,
    created_at  timestamptz not null default now()
);
create index scanner_venue on scanner (venue_id);

-- The visit log. Holds rotating pass serials, never names or phone numbers in clear: contacts of CALL and
-- MANUAL check-ins are AES-GCM ciphertext (key outside the database) plus an HMAC for exact-match tracing.
-- Partitioned by the day of scanned_at (UTC), so the 28-day retention drops whole partitions.
create table checkin (
    checkin_id    uuid not null,
    scanned_at    timestamptz not null,
    received_at   timestamptz not null,
    venue_id      text not null,
    scanner_id    text,
    channel       text not null check (channel in ('QR', 'CALL', 'MANUAL')),
    serial        bytea check (serial is null or octet_length(serial) = 12),
    pass_format   text,
    -- The id of a foreign pass (e.g. an EU DCC certificate identifier); native passes use serial.
    pass_ref      text,
    contact_hmac  bytea,
    contact_enc   bytea,
    verdict       text,
    reason        text,
    check_method  text,
    primary key (checkin_id, scanned_at)
) partition by range (scanned_at);

-- Records whose day has no partition (a scanner with a wild clock) land here rather than being lost; the
-- retention job cleans it like any other day.
create table checkin_default partition of checkin default;

create index checkin_serial on checkin (serial, scanned_at) where serial is not null;
create index checkin_contact on checkin (contact_hmac, scanned_at) where contact_hmac is not null;
create index checkin_venue_time on checkin (venue_id, scanned_at);

-- The same serial at two venues within a few minutes: a copied pass, or a shared phone.
create table fraud_signal (
    serial        bytea not null,
    first_venue   text not null,
    first_at      timestamptz not null,
    second_venue  text not null,
    second_at     timestamptz not null,
    detected_at   timestamptz not null,
    primary key (serial, first_at, second_at)
);
create index fraud_signal_detected on fraud_signal (detected_at);
