-- A scanner is an API client (identity side) bound to a venue (visits side), and the two are made in one
-- transaction as the identity role (ClientAdministration, pairing). So the identity role may see the venues and the
-- scanner bindings, and add a binding: nothing of a visit (docs/adr/0016). The visits role reads its venue and
-- scanners as before. Pairing codes (V11) hold no visit and no person: the identity side's, by the default
-- privileges of V9.
grant usage on schema visits to ${identity_role};
grant select on visits.venue to ${identity_role};
grant select, insert on visits.scanner to ${identity_role};
