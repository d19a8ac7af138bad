-- A measurement's revisions are written by the statement that writes the
-- measurement: every row inserted, and every row updated to a new version
-- (a correction, a removal), adds the revision that records it as it now is.
-- Statement-level triggers with transition tables: a bulk statement adds its
-- revisions as one set, and no write path can leave one out.
CREATE FUNCTION measurement_revisions_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO measurement_revisions (measurement_id, version, value, numerator, denominator,
                                           text_value, note, reporter_id, reporter_kind,
                                           recorded_at, deleted)
        SELECT n.id, n.version, n.value, n.numerator, n.denominator, n.text_value, n.note,
               n.reporter_id, n.reporter_kind, n.recorded_at, n.deleted_at IS NOT NULL
          FROM new_rows n;
    ELSE
        INSERT INTO measurement_revisions (measurement_id, version, value, numerator, denominator,
                                           text_value, note, reporter_id, reporter_kind,
                                           recorded_at, deleted)
        SELECT n.id, n.version, n.value, n.numerator, n.denominator, n.text_value, n.note,
               n.reporter_id, n.reporter_kind, n.recorded_at, n.deleted_at IS NOT NULL
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE n.version <> o.version;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER measurements_revisions_insert AFTER INSERT ON measurements
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION measurement_revisions_keep();
CREATE TRIGGER measurements_revisions_update AFTER UPDATE ON measurements
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION measurement_revisions_keep();
