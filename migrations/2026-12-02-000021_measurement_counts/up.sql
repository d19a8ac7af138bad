-- The number of current measurements, kept in the statement that writes them,
-- so that a list of measurements gives its exact `total` without counting a
-- million rows. Three levels in one table:
-- - per indicator and place;
-- - per place, all indicators: `indicator_id` is the nil UUID, which no
--   indicator has (`gen_random_uuid()`);
-- - all measurements: the nil UUID and `place_type` '' (no place has it).
--
-- A write adds a row holding its change for each key it touches, then folds
-- the key's other rows into it: the rows it can lock at once are deleted and
-- their sum goes into the new row. Rows locked by a transaction still running
-- (an import holds its rows until the whole job commits) are skipped, so no
-- writer ever waits for another here, and every snapshot sums to the number
-- of current measurements it sees.
CREATE TABLE measurement_counts (
    indicator_id uuid NOT NULL,
    place_type   text NOT NULL,
    place_code   text NOT NULL,
    n            bigint NOT NULL
);
CREATE INDEX measurement_counts_key_idx ON measurement_counts (indicator_id, place_type, place_code);

-- Counts `changes` (rows of +1 and -1 per indicator and place) in at every level.
CREATE FUNCTION measurement_counts_fold(changes measurement_counts[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    WITH d AS (
        SELECT l.indicator_id, l.place_type, l.place_code, sum(c.n) AS n
          FROM unnest(changes) c,
               LATERAL (VALUES (c.indicator_id, c.place_type, c.place_code),
                               ('00000000-0000-0000-0000-000000000000'::uuid, c.place_type, c.place_code),
                               ('00000000-0000-0000-0000-000000000000'::uuid, '', '')) AS l(indicator_id, place_type, place_code)
         GROUP BY 1, 2, 3
        HAVING sum(c.n) <> 0
    ), folded AS (
        DELETE FROM measurement_counts m
         WHERE m.ctid = ANY(ARRAY(
               SELECT k.ctid FROM measurement_counts k
                WHERE (k.indicator_id, k.place_type, k.place_code)
                      IN (SELECT d.indicator_id, d.place_type, d.place_code FROM d)
                  FOR UPDATE SKIP LOCKED))
        RETURNING m.indicator_id, m.place_type, m.place_code, m.n
    )
    INSERT INTO measurement_counts (indicator_id, place_type, place_code, n)
    SELECT a.indicator_id, a.place_type, a.place_code, sum(a.n)
      FROM (SELECT * FROM d UNION ALL SELECT * FROM folded) a
     GROUP BY 1, 2, 3
    HAVING sum(a.n) <> 0;
END $$;

CREATE FUNCTION measurement_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM measurement_counts_fold(ARRAY(
            SELECT ROW(n.indicator_id, n.place_type, n.place_code, 1)::measurement_counts
              FROM new_rows n WHERE n.deleted_at IS NULL));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM measurement_counts_fold(ARRAY(
            SELECT ROW(o.indicator_id, o.place_type, o.place_code, -1)::measurement_counts
              FROM old_rows o WHERE o.deleted_at IS NULL));
    ELSE
        PERFORM measurement_counts_fold(ARRAY(
            SELECT ROW(c.indicator_id, c.place_type, c.place_code, c.n)::measurement_counts
              FROM (SELECT n.indicator_id, n.place_type, n.place_code, 1 AS n
                      FROM new_rows n WHERE n.deleted_at IS NULL
                    UNION ALL
                    SELECT o.indicator_id, o.place_type, o.place_code, -1
                      FROM old_rows o WHERE o.deleted_at IS NULL) c));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER measurement_counts_insert AFTER INSERT ON measurements
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION measurement_counts_keep();
CREATE TRIGGER measurement_counts_update AFTER UPDATE ON measurements
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION measurement_counts_keep();
CREATE TRIGGER measurement_counts_delete AFTER DELETE ON measurements
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION measurement_counts_keep();

SELECT measurement_counts_fold(ARRAY(
    SELECT ROW(g.indicator_id, g.place_type, g.place_code, g.n)::measurement_counts
      FROM (SELECT indicator_id, place_type, place_code, count(*) AS n
              FROM measurements WHERE deleted_at IS NULL
             GROUP BY 1, 2, 3) g));

-- The list's orders, read in index order: by period, or by when the value was
-- recorded, the place and the id breaking ties (backwards for descending).
CREATE INDEX measurements_period_order_idx
    ON measurements (period_start, place_type, place_code, id) WHERE deleted_at IS NULL;
CREATE INDEX measurements_recorded_order_idx
    ON measurements (recorded_at, place_type, place_code, id) WHERE deleted_at IS NULL;
