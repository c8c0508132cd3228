-- Foreign issuers' trust material (EU DCC signer certificates, SMART Health Card issuer keys and CRLs, NZCP DID
-- documents), in the JSON form of io.checkpass.core.foreign.ForeignTrust; the trust bundle carries it.
create table foreign_trust (
    id          smallint primary key check (id = 1),
    document    jsonb not null,
    updated_at  timestamptz not null,
    updated_by  text not null
);
