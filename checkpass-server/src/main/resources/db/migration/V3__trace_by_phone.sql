-- A trace by phone number finds registry persons by their normalised number (the same expression Tracer uses),
-- without scanning the person table.
create index person_phone_normalised on person
    ((replace(regexp_replace(regexp_replace(phone, '[^0-9+]', '', 'g'), '^\+82', '0'), '+', '')));
